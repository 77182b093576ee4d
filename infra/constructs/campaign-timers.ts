import { Duration } from 'aws-cdk-lib';
import { TIMERS_BY_DUE_INDEX } from '../../layers/adapters/dynamo-timer-store';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { createFunction, type FunctionDefaults } from '../create-function';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { scheduleFunction, type RetryBudget } from '../schedule-function';
import { SWEEP_TIMERS_CONFIG } from '../../layers/runtime/function-configs';

/**
 * Timeout of sweep-timers: under the one-minute period, so runs rarely overlap (they may: the sweep is
 * safe to run twice at once). The handler stops taking pages 10 s before it.
 */
export const SWEEP_TIMERS_TIMEOUT = Duration.seconds(50);

/** `POWERTOOLS_SERVICE_NAME` of sweep-timers: the `service` dimension of its metrics. */
export const SWEEP_TIMERS_SERVICE_NAME = 'sweep-timers';

/** How often the sweep runs: the granularity of every delayed trigger and deferred send. */
export const SWEEP_PERIOD = Duration.minutes(1);

/**
 * Scheduler retries an undelivered tick for one period only: after that the next tick does the same
 * work, and what could not be delivered for a whole minute (a broken role, a deleted function) goes to
 * `SweepTimersScheduleDlq`, whose alarm is the signal.
 */
export const SWEEP_DELIVERY_RETRY: RetryBudget = { attempts: 2, maxEventAge: SWEEP_PERIOD };

/** A failed run is not retried: the next tick, a minute later, sweeps the same timers again. */
export const SWEEP_RUN_RETRY: RetryBudget = { attempts: 0, maxEventAge: SWEEP_PERIOD };

/** Props of {@link CampaignTimers}. */
export interface CampaignTimersProps {
  /** Queried by due time, read and deleted as timers fire. */
  readonly timersTable: dynamodb.ITable;
  /** Where a fired timer's intent goes. */
  readonly intentsQueue: sqs.IQueue;
  /** Log settings of the function. */
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Delayed triggers ("24 h after purchase", "3 days without login") and deferred sends (quiet hours):
 * the sweep-timers function, run every minute by the EventBridge Scheduler schedule
 * `SweepTimersSchedule`, enqueues the intent of every due timer on `Intents`, then deletes the timer.
 */
export class CampaignTimers extends Construct {
  /** The sweep-timers function (`functions/campaigns/sweep-timers.handler.ts`). */
  readonly sweepTimersFunction: lambda.IFunction;
  /** `SweepTimersSchedule`: `rate(1 minute)`. */
  readonly schedule: scheduler.ISchedule;
  /** `SweepTimersScheduleDlq`: ticks Scheduler could not deliver to the function. */
  readonly scheduleDlq: sqs.IQueue;

  constructor(scope: Construct, id: string, props: CampaignTimersProps) {
    super(scope, id);

    const dlq = createDeadLetterQueue(this, 'SweepTimersScheduleDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(
      dlq,
      'AwsSolutions-SQS3',
      'SweepTimersScheduleDlq is itself a dead-letter queue: the DeadLetterConfig of the SweepTimersSchedule target. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.',
    );
    this.scheduleDlq = dlq;

    const fn = pinLogicalId(
      createFunction(this, 'SweepTimersFunction', {
        ...props.functionDefaults,
        config: SWEEP_TIMERS_CONFIG,
        entry: 'functions/campaigns/sweep-timers.handler.ts',
        serviceName: SWEEP_TIMERS_SERVICE_NAME,
        description: 'Every minute: enqueues the intents of due campaign timers and deletes the timers',
        timeout: SWEEP_TIMERS_TIMEOUT,
        environment: {
          TIMERS_TABLE_NAME: props.timersTable.tableName,
          INTENTS_QUEUE_URL: props.intentsQueue.queueUrl,
        },
      }),
      'SweepTimersFunction',
    );
    // What DynamoTimerStore's due and complete call: Query on byDue, a consistent BatchGetItem of the
    // base items, a conditional DeleteItem per fired timer.
    grantTableActions(props.timersTable, fn, ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem']);
    grantTableActions(props.timersTable, fn, ['dynamodb:Query'], { indexes: [TIMERS_BY_DUE_INDEX] });
    props.intentsQueue.grantSendMessages(fn);
    this.sweepTimersFunction = fn;

    this.schedule = scheduleFunction(this, 'SweepTimersSchedule', {
      fn,
      description: 'Runs sweep-timers every minute: fires due campaign timers',
      expression: scheduler.ScheduleExpression.rate(SWEEP_PERIOD),
      deliveryRetry: SWEEP_DELIVERY_RETRY,
      runRetry: SWEEP_RUN_RETRY,
      dlq,
      // A failed run is a function error (alarmed on), not work to replay: the next tick redoes it.
      failedRunsToDlq: false,
    });
  }
}
