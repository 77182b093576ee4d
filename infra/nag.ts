import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Name of the cdk-nag pack the app runs, and the namespace of its findings in CDK's validation report. */
export const NAG_PACK = 'AwsSolutions';

/**
 * Acknowledges one cdk-nag finding (e.g. `AwsSolutions-IAM5[Resource::*]`) on `scope` and everything
 * under it, so acknowledge on the narrowest construct that holds the finding.
 *
 * The id is qualified with the pack's namespace (`AwsSolutions::...`, the form CDK prints next to a
 * finding). That makes CDK, not cdk-nag, apply the acknowledgement, and CDK records each suppressed
 * finding with its reason and location in `cdk.out/validation-report.json`: an audit trail, and what
 * the infra tests use to prove that no acknowledgement is stale.
 */
export const acknowledgeNagFinding = (scope: IConstruct, finding: string, reason: string): void => {
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}::${finding}`, reason });
};
