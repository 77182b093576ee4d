import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoMessageLog } from '../../layers/adapters/dynamo-message-log';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { SnsDeliveryEvents } from '../../layers/adapters/sns-delivery-events';
import { SnsPushSender } from '../../layers/adapters/sns-push-sender';
import { systemClock, type Clock } from '../../layers/core/clock';
import { deliverIntent, type DeliverIntentDeps } from '../../layers/core/messaging/deliver-intent';
import { parseIntent } from '../../layers/core/messaging/parse-intent';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import { readEnvironment, type Environment } from '../../layers/runtime/config';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface DeliverOverrides {
  dynamo?: DynamoDBDocumentClient;
  sns?: SNSClient;
  /** The client for platform-endpoint publishes, when it differs from the topic client (local stub). */
  pushSns?: SNSClient;
  clock?: Clock;
}

/** Intents queue → eligibility → SNS push, once per message id, with every decision logged. */
export const createDeliverHandler = (env: Environment, overrides: DeliverOverrides = {}) => {
  const config = readEnvironment(env, ['PROFILES_TABLE_NAME', 'MESSAGES_TABLE_NAME', 'DELIVERY_EVENTS_TOPIC_ARN']);
  const observability = createObservability('deliver');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const sns = overrides.sns ?? clients.sns();
  const deps: DeliverIntentDeps = {
    profiles: new DynamoProfileStore(dynamo, config.PROFILES_TABLE_NAME),
    log: new DynamoMessageLog(dynamo, config.MESSAGES_TABLE_NAME),
    push: new SnsPushSender(overrides.pushSns ?? sns),
    deliveryEvents: new SnsDeliveryEvents(sns, config.DELIVERY_EVENTS_TOPIC_ARN),
  };
  const clock = overrides.clock ?? systemClock;
  const processor = new BatchProcessor(EventType.SQS);

  const deliverRecord = async (record: SQSRecord): Promise<void> => {
    const intent = parseIntent(record.body);
    const result = await deliverIntent(intent, deps, clock());
    metrics.addMetric(OUTCOME_METRIC[result.status], MetricUnit.Count, 1);
    // Ids and the decision only; the endpoint and the content stay out of the logs.
    logger.info('intent delivered', {
      messageId: intent.messageId,
      campaignId: intent.campaignId,
      status: result.status,
      ...('reason' in result ? { reason: result.reason } : {}),
    });
  };

  return withObservability(
    (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, deliverRecord, processor, { context }),
    observability,
  );
};

export const handler = lazyHandler(() => createDeliverHandler(process.env));

const OUTCOME_METRIC = { sent: 'MessagesSent', suppressed: 'MessagesSuppressed', duplicate: 'DuplicateIntents' } as const;
