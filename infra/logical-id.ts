import { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Pins the CloudFormation logical ID of a construct's main resource (`Events`, `Profiles`, ...).
 *
 * Two reasons: the local stack and the docs refer to resources by these names, and a stateful
 * resource whose logical ID changes is replaced, so moving a table to another construct must not
 * change its ID (CDK would otherwise derive it from the construct path plus a hash).
 */
export const pinLogicalId = <T extends IConstruct>(construct: T, logicalId: string): T => {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to name ${logicalId}`);
  }
  resource.overrideLogicalId(logicalId);
  return construct;
};
