import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoTimerStore } from '../../layers/adapters/dynamo-timer-store';
import { SqsIntentQueue } from '../../layers/adapters/sqs-intent-queue';
import { systemClock, type Clock } from '../../layers/core/clock';
import { sweepTimers, type SweepTimersResult } from '../../layers/core/triggers/sweep-timers';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { SWEEP_TIMERS_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface SweepTimersOverrides {
  dynamo?: DynamoDBDocumentClient;
  sqs?: SQSClient;
  clock?: Clock;
}

/** Time kept back from the function's timeout: a page (read, enqueue, complete) fits in it with room to spare. */
const TIME_RESERVE_MS = 10_000;

/**
 * Every minute (EventBridge Scheduler; the input is ignored): fires the timers that are due, enqueueing
 * their intents for deliver, until none is due or the function's time runs short. Safe to run twice at
 * once and to crash midway: see `sweepTimers`.
 */
export const createSweepTimersHandler = (env: Environment, overrides: SweepTimersOverrides = {}) => {
  const config = SWEEP_TIMERS_CONFIG.parse(env);
  const observability = createObservability('sweep-timers');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const timers = new DynamoTimerStore(overrides.dynamo ?? clients.dynamo(), config.TIMERS_TABLE_NAME);
  const intents = new SqsIntentQueue(overrides.sqs ?? clients.sqs(), config.INTENTS_QUEUE_URL);
  const clock = overrides.clock ?? systemClock;

  return withObservability(async (_event: unknown, context: Context): Promise<SweepTimersResult> => {
    const result = await sweepTimers({ timers, intents, clock, shouldStop: () => context.getRemainingTimeInMillis() < TIME_RESERVE_MS });

    metrics.addMetric('TimersFired', MetricUnit.Count, result.fired);
    metrics.addMetric('TimersNotCompleted', MetricUnit.Count, result.notCompleted);
    metrics.addMetric('OldestTimerDueLag', MetricUnit.Milliseconds, result.oldestDueLagMs);
    // Counts only: timers carry user ids and intents, which stay out of the logs.
    if (result.truncated) logger.warn('sweep stopped on its budget; timers may still be due', { ...result });
    else logger.info('timers swept', { ...result });
    return result;
  }, observability);
};

export const handler = lazyHandler(() => createSweepTimersHandler(process.env));
