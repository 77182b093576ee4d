import { grantTableActions } from '../grant-table-actions';
import { Duration, type TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { scheduleFunction, type RetryBudget } from '../schedule-function';
import { NIGHTLY_PROFILES_CONFIG } from '../../layers/runtime/function-configs';

/** Timeout of nightly-profiles: Lambda's maximum, since one invocation scans the whole table. */
export const NIGHTLY_PROFILES_TIMEOUT = Duration.minutes(15);

/**
 * How EventBridge Scheduler retries an invocation Lambda did not accept (throttled, function missing,
 * role broken) before parking it in `NightlyProfilesScheduleDlq`. Within two hours a run started at
 * the default 02:00 still ends before the morning's traffic.
 */
export const SCHEDULE_RETRY: RetryBudget = { attempts: 5, maxEventAge: Duration.hours(2) };

/**
 * How Lambda retries a run that failed (error or timeout) before sending it to
 * `NightlyProfilesScheduleDlq`. Scheduler invokes asynchronously, so a failed run is Lambda's to retry,
 * not Scheduler's. Once: a transient failure (too many version conflicts on a hot profile) deserves a
 * second full scan, a systematic one (a bug, a table outgrowing 15 minutes) does not deserve two more.
 */
export const RUN_RETRY: RetryBudget = { attempts: 1, maxEventAge: Duration.hours(2) };

/** Props of {@link ProfileScoring}. */
export interface ProfileScoringProps {
  /** Scanned, read and conditionally written: every profile, nightly. */
  readonly profilesTable: dynamodb.ITable;
  /** Scanned for the active campaigns with date triggers. */
  readonly campaignsTable: dynamodb.ITable;
  /** Where date-trigger timers are armed (PutItem only). */
  readonly timersTable: dynamodb.ITable;
  /** deliver's `DEFAULT_TIME_ZONE`, for users without a time zone; absent = UTC. */
  readonly defaultTimeZone?: string;
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

    const dlq = createDeadLetterQueue(this, 'NightlyProfilesScheduleDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(
      dlq,
      'AwsSolutions-SQS3',
      'NightlyProfilesScheduleDlq is itself a dead-letter queue: the DeadLetterConfig of the NightlyProfilesSchedule target and the on-failure destination of nightly-profiles. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.',
    );
    this.scheduleDlq = dlq;

    const fn = pinLogicalId(
      createFunction(this, 'NightlyProfilesFunction', {
        ...props.functionDefaults,
        config: NIGHTLY_PROFILES_CONFIG,
        entry: 'functions/profiles/nightly-profiles.handler.ts',
        serviceName: 'nightly-profiles',
        description: 'Nightly: scores RFM by population quintiles and re-derives every profile',
        memorySize: 1024,
        timeout: NIGHTLY_PROFILES_TIMEOUT,
        environment: {
          PROFILES_TABLE_NAME: props.profilesTable.tableName,
          CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName,
          TIMERS_TABLE_NAME: props.timersTable.tableName,
          RFM_CURRENCY: props.rfmCurrency,
          ...(props.defaultTimeZone && { DEFAULT_TIME_ZONE: props.defaultTimeZone }),
        },
      }),
      'NightlyProfilesFunction',
    );
    // What DynamoProfileStore's scanAll, load and save call: no BatchGetItem, UpdateItem, DeleteItem or
    // DescribeTable, which grantReadWriteData would add and the rescoring never uses.
    props.profilesTable.grant(fn, 'dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:PutItem');
    // The active campaigns (a Scan, as DynamoCampaignStore reads them), and date-trigger timers: arms only.
    grantTableActions(props.campaignsTable, fn, ['dynamodb:Scan']);
    grantTableActions(props.timersTable, fn, ['dynamodb:PutItem']);
    this.nightlyProfilesFunction = fn;

    this.schedule = scheduleFunction(this, 'NightlyProfilesSchedule', {
      fn,
      description: `Starts nightly-profiles every day at ${String(props.schedule.hour).padStart(2, '0')}:00 ${props.schedule.timeZone.timezoneName}`,
      expression: scheduler.ScheduleExpression.cron({ minute: '0', hour: String(props.schedule.hour), timeZone: props.schedule.timeZone }),
      deliveryRetry: SCHEDULE_RETRY,
      runRetry: RUN_RETRY,
      dlq,
    });
  }
}
