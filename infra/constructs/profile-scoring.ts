import { ArnFormat, Duration, Stack, type TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { createDeadLetterQueue } from '../create-dead-letter-queue';

/** Timeout of nightly-profiles: Lambda's maximum, since one invocation scans the whole table. */
export const NIGHTLY_PROFILES_TIMEOUT = Duration.minutes(15);

/**
 * How EventBridge Scheduler retries an invocation Lambda did not accept (throttled, function missing,
 * role broken) before parking it in `NightlyProfilesScheduleDlq`. Within two hours a run started at
 * the default 02:00 still ends before the morning's traffic.
 */
export const SCHEDULE_RETRY = { attempts: 5, maxEventAge: Duration.hours(2) } as const;

/**
 * How Lambda retries a run that failed (error or timeout) before sending it to
 * `NightlyProfilesScheduleDlq`. Scheduler invokes asynchronously, so a failed run is Lambda's to retry,
 * not Scheduler's. Once: a transient failure (too many version conflicts on a hot profile) deserves a
 * second full scan, a systematic one (a bug, a table outgrowing 15 minutes) does not deserve two more.
 */
export const RUN_RETRY = { attempts: 1, maxEventAge: Duration.hours(2) } as const;

/** Props of {@link ProfileScoring}. */
export interface ProfileScoringProps {
  /** Scanned, read and conditionally written: every profile, nightly. */
  readonly profilesTable: dynamodb.ITable;
  /** `RFM_CURRENCY`: the currency RFM's monetary is measured in. */
  readonly rfmCurrency: string;
  /** When the rescoring runs: every day at `hour`:00 in `timeZone`. */
  readonly schedule: { readonly hour: number; readonly timeZone: TimeZone };
  /** Log settings of the function. */
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Nightly rescoring: the nightly-profiles function (RFM by population quintiles, then activity,
 * lifecycle and tags for every profile), the EventBridge Scheduler schedule `NightlyProfilesSchedule`
 * that starts it, and `NightlyProfilesScheduleDlq`, where both an invocation Scheduler could not
 * deliver and a run that still failed after Lambda's retry end up.
 */
export class ProfileScoring extends Construct {
  /** The nightly-profiles function (`functions/profiles/nightly-profiles.handler.ts`). */
  readonly nightlyProfilesFunction: lambda.IFunction;
  /** `NightlyProfilesSchedule`: invokes nightly-profiles daily. */
  readonly schedule: scheduler.ISchedule;
  /** `NightlyProfilesScheduleDlq`: undeliverable invocations (from Scheduler) and failed runs (from Lambda). */
  readonly scheduleDlq: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ProfileScoringProps) {
    super(scope, id);

    const dlq = createDeadLetterQueue(this, 'NightlyProfilesScheduleDlq');
    acknowledgeNagFinding(
      dlq,
      'AwsSolutions-SQS3',
      'NightlyProfilesScheduleDlq is itself a dead-letter queue: the DeadLetterConfig of the NightlyProfilesSchedule target and the on-failure destination of nightly-profiles. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.',
    );
    this.scheduleDlq = dlq;

    const fn = pinLogicalId(
      createFunction(this, 'NightlyProfilesFunction', {
        ...props.functionDefaults,
        entry: 'functions/profiles/nightly-profiles.handler.ts',
        serviceName: 'nightly-profiles',
        description: 'Nightly: scores RFM by population quintiles and re-derives every profile',
        memorySize: 1024,
        timeout: NIGHTLY_PROFILES_TIMEOUT,
        environment: {
          PROFILES_TABLE_NAME: props.profilesTable.tableName,
          RFM_CURRENCY: props.rfmCurrency,
        },
      }),
      'NightlyProfilesFunction',
    );
    // What DynamoProfileStore's scanAll, load and save call: no BatchGetItem, UpdateItem, DeleteItem or
    // DescribeTable, which grantReadWriteData would add and the rescoring never uses.
    props.profilesTable.grant(fn, 'dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:PutItem');
    fn.configureAsyncInvoke({
      retryAttempts: RUN_RETRY.attempts,
      maxEventAge: RUN_RETRY.maxEventAge,
      onFailure: new SqsDestination(dlq),
    });
    this.nightlyProfilesFunction = fn;

    // The role Scheduler assumes, assumable from this account's default schedule group only
    // (confused-deputy guard); CDK would otherwise create one at the stack's root.
    const role = new iam.Role(this, 'NightlyProfilesScheduleRole', {
      description: 'Assumed by EventBridge Scheduler to start nightly-profiles',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': Stack.of(this).account,
          'aws:SourceArn': Stack.of(this).formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      }),
    });

    this.schedule = pinLogicalId(
      new scheduler.Schedule(this, 'NightlyProfilesSchedule', {
        description: `Starts nightly-profiles every day at ${String(props.schedule.hour).padStart(2, '0')}:00 ${props.schedule.timeZone.timezoneName}`,
        schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: String(props.schedule.hour), timeZone: props.schedule.timeZone }),
        target: new UnqualifiedLambdaInvoke(fn, {
          role,
          retryAttempts: SCHEDULE_RETRY.attempts,
          maxEventAge: SCHEDULE_RETRY.maxEventAge,
          deadLetterQueue: dlq,
        }),
      }),
      'NightlyProfilesSchedule',
    );
  }
}

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
