import type { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionDefaults } from './create-function';
import { pinLogicalId } from './logical-id';
import { acknowledgeNagFinding } from './nag';

/**
 * A state machine whose Lambda tasks all run one function: X-Ray tracing, every event to its own log
 * group (without execution data: inputs can hold user ids), the logical ID pinned to `id`, and the two
 * wildcards Step Functions needs acknowledged with their reasons.
 */
export const createStateMachine = (
  scope: Construct,
  id: string,
  props: { definition: sfn.IChainable; timeout: Duration; taskFunction: { logicalId: string; serviceName: string }; functionDefaults: FunctionDefaults },
): sfn.StateMachine => {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.functionDefaults.logRetention, removalPolicy: props.functionDefaults.logRemovalPolicy });
  const machine = pinLogicalId(
    new sfn.StateMachine(scope, id, {
      definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    }),
    id,
  );
  acknowledgeNagFinding(
    machine,
    'AwsSolutions-IAM5[Resource::*]',
    'The state machine role\'s X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery actions, which IAM only grants on "*".',
  );
  acknowledgeNagFinding(
    machine,
    `AwsSolutions-IAM5[Resource::<${props.taskFunction.logicalId}.Arn>:*]`,
    `LambdaInvoke tasks may invoke versions and aliases of ${props.taskFunction.serviceName} (\`<function ARN>:*\`), the one function the state machine runs.`,
  );
  return machine;
};
