import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { SqsIntentQueue } from '../../layers/adapters/sqs-intent-queue';
import { SqsPoisonSink } from '../../layers/adapters/sqs-poison-sink';
import { systemClock, type Clock } from '../../layers/core/clock';
import { decodeRecords } from '../../layers/core/contract/decode-records';
import { processEvents } from '../../layers/core/processing/process-events';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import { readEnvironment, type Environment } from '../../layers/runtime/config';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface ProcessEventsOverrides {
  dynamo?: DynamoDBDocumentClient;
  sqs?: SQSClient;
  clock?: Clock;
}

/**
 * Kinesis → profiles. Bad records are parked in the events DLQ with their reason and never block the
 * rest; a user whose write fails has their records reported in the partial batch response, so Lambda
 * retries from the first of them (the others' replays are deduplicated by insertId).
 */
export const createProcessEventsHandler = (env: Environment, overrides: ProcessEventsOverrides = {}) => {
  const config = readEnvironment(env, ['PROFILES_TABLE_NAME', 'INTENTS_QUEUE_URL', 'EVENTS_DLQ_URL']);
  const observability = createObservability('process-events');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const sqs = overrides.sqs ?? clients.sqs();
  const profiles = new DynamoProfileStore(overrides.dynamo ?? clients.dynamo(), config.PROFILES_TABLE_NAME);
  const intents = new SqsIntentQueue(sqs, config.INTENTS_QUEUE_URL);
  const poisonSink = new SqsPoisonSink(sqs, config.EVENTS_DLQ_URL);
  const clock = overrides.clock ?? systemClock;

  return withObservability(async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const { events, poison } = decodeRecords(
      event.Records.map(({ kinesis }) => ({
        sequenceNumber: kinesis.sequenceNumber,
        partitionKey: kinesis.partitionKey,
        data: kinesis.data,
      })),
    );
    if (poison.length > 0) {
      await poisonSink.park(poison);
      logger.warn('parked poison records', {
        count: poison.length,
        reasons: poison.map((p) => ({ sequenceNumber: p.sequenceNumber, reason: p.reason, errors: p.errors })),
      });
    }

    const result = await processEvents({ events, profiles, intents, now: clock() });

    metrics.addMetric('EventsApplied', MetricUnit.Count, result.applied);
    metrics.addMetric('DuplicateEvents', MetricUnit.Count, result.duplicates);
    metrics.addMetric('PoisonRecords', MetricUnit.Count, poison.length);
    metrics.addMetric('ProfilesWritten', MetricUnit.Count, result.profilesWritten);
    metrics.addMetric('VersionConflicts', MetricUnit.Count, result.versionConflicts);
    metrics.addMetric('IntentsSent', MetricUnit.Count, result.intentsSent);
    for (const [userId, error] of result.failed) {
      logger.error('profile update failed; records will be retried', { userId, error: errorName(error) });
    }
    logger.info('batch processed', { records: event.Records.length, ...summary(result) });

    return {
      batchItemFailures: events
        .filter((e) => result.failed.has(e.profileKey))
        .map((e) => ({ itemIdentifier: e.sequenceNumber })),
    };
  }, observability);
};

const summary = ({ applied, duplicates, profilesWritten, versionConflicts, intentsSent, failed }: Awaited<ReturnType<typeof processEvents>>) => ({
  applied,
  duplicates,
  profilesWritten,
  versionConflicts,
  intentsSent,
  failedUsers: failed.size,
});

/** Only the error's name and message: an SDK error object can carry request data. */
const errorName = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error');

export const handler = lazyHandler(() => createProcessEventsHandler(process.env));
