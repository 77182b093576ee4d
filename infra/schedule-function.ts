import { ArnFormat, Stack, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { pinLogicalId } from './logical-id';

/** A retry budget: how many more attempts, for how long. */
export interface RetryBudget {
  readonly attempts: number;
  readonly maxEventAge: Duration;
}

/** Props of {@link scheduleFunction}. */
export interface ScheduleFunctionProps {
  /** The function the schedule invokes (asynchronously, unqualified, with an empty input). */
  readonly fn: lambda.IFunction;
  readonly expression: scheduler.ScheduleExpression;
  readonly description: string;
  /** How Scheduler retries an invocation Lambda did not accept (throttled, function missing, role broken). */
  readonly deliveryRetry: RetryBudget;
  /**
   * How Lambda retries a run that failed (error or timeout). Scheduler invokes asynchronously, so a
   * failed run is Lambda's to retry, not Scheduler's.
   */
  readonly runRetry: RetryBudget;
  /** Where an invocation Scheduler could not deliver goes; with `failedRunsToDlq`, failed runs too. */
  readonly dlq: sqs.IQueue;
  /**
   * Whether a run that still failed after {@link runRetry} is sent to {@link dlq}: worth it for a run
   * someone should rerun by hand, noise for one the next tick repeats anyway. @default true
   */
  readonly failedRunsToDlq?: boolean;
}

/**
 * An EventBridge Scheduler schedule (logical ID `id`, pinned) invoking `fn`, with its own role
 * (`<id>Role`) that only this account's default schedule group can assume, a DLQ, and the function's
 * asynchronous retry settings. The one way the stack runs a function on a clock.
 */
export const scheduleFunction = (scope: Construct, id: string, props: ScheduleFunctionProps): scheduler.Schedule => {
  props.fn.configureAsyncInvoke({
    retryAttempts: props.runRetry.attempts,
    maxEventAge: props.runRetry.maxEventAge,
    ...((props.failedRunsToDlq ?? true) && { onFailure: new SqsDestination(props.dlq) }),
  });

  const role = createSchedulerRole(scope, `${id}Role`, `Assumed by EventBridge Scheduler to run ${id}`);

  return pinLogicalId(
    new scheduler.Schedule(scope, id, {
      description: props.description,
      schedule: props.expression,
      target: new UnqualifiedLambdaInvoke(props.fn, {
        role,
        retryAttempts: props.deliveryRetry.attempts,
        maxEventAge: props.deliveryRetry.maxEventAge,
        deadLetterQueue: props.dlq,
      }),
    }),
    id,
  );
};

/**
 * A role only EventBridge Scheduler's default schedule group of this account can assume (confused-deputy
 * guard); CDK would otherwise create one role at the stack's root for every schedule.
 */
export const createSchedulerRole = (scope: Construct, id: string, description: string): iam.Role =>
  new iam.Role(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
      StringEquals: {
        'aws:SourceAccount': Stack.of(scope).account,
        'aws:SourceArn': Stack.of(scope).formatArn({
          service: 'scheduler',
          resource: 'schedule-group',
          resourceName: 'default',
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      },
    }),
  });

/**
 * `LambdaInvoke` of aws-scheduler-targets, minus its `grantInvoke`: that also allows every version and
 * alias (`<function ARN>:*`), a wildcard the schedule does not need, since it invokes the unqualified
 * function. The base class still renders the retry policy and the DLQ and grants sqs:SendMessage on it.
 */
class UnqualifiedLambdaInvoke extends ScheduleTargetBase implements scheduler.IScheduleTarget {
  constructor(
    private readonly fn: lambda.IFunction,
    props: ScheduleTargetBaseProps,
  ) {
    super(props, fn.functionArn);
  }

  protected addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
  }
}
