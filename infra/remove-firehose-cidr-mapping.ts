import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The Firehose L2 adds a mapping of Firehose's CIDR blocks for `connections` (a destination in a VPC);
 * with S3 as the destination nothing reads it, and CloudFormation flags an unused mapping (W7001).
 * Removes it from the stack of `scope`, after every delivery stream of that stack is made.
 */
export const removeFirehoseCidrMapping = (scope: IConstruct): void => {
  const stack = Stack.of(scope);
  for (const child of stack.node.children) if (child.node.id.endsWith('aws-kinesisfirehose.CidrBlocks')) stack.node.tryRemoveChild(child.node.id);
};
