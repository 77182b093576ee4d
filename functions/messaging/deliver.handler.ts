import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoInbox } from '../../layers/adapters/dynamo-inbox';
import { DynamoMessageLog } from '../../layers/adapters/dynamo-message-log';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { KmsFieldCipher } from '../../layers/adapters/kms-field-cipher';
import { openingProfileStore } from '../../layers/core/profile/contact-fields';
import type { KMS } from '@aws-sdk/client-kms';
import { DynamoSlotReserver } from '../../layers/adapters/dynamo-rate-limiter';
import { shardsFor, shareOf, ShardedSlotReserver } from '../../layers/core/messaging/sharded-reserver';
import { DynamoTimerStore } from '../../layers/adapters/dynamo-timer-store';
import { SnsDeliveryEvents } from '../../layers/adapters/sns-delivery-events';
import { SnsPushSender } from '../../layers/adapters/sns-push-sender';
import { SnsSmsOptOuts } from '../../layers/adapters/sns-sms-opt-outs';
import { SnsSmsSender } from '../../layers/adapters/sns-sms-sender';
import { SqsRetryDelay } from '../../layers/adapters/sqs-retry-delay';
import { systemClock, type Clock } from '../../layers/core/clock';
import { deliverIntent, rateLimitRetryDelayMs, type DeliverIntentDeps, type DeliveryResult } from '../../layers/core/messaging/deliver-intent';
import { readDeliveryPolicy } from '../../layers/core/messaging/delivery-policy';
import { DeliveryRateLimitedError } from '../../layers/core/messaging/errors';
import type { Intent } from '../../layers/core/messaging/intent';
import { parseIntent } from '../../layers/core/messaging/parse-intent';
import { BatchRateLimiter } from '../../layers/core/messaging/rate-limiter';
import type { Recommender } from '../../layers/core/ports';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import { cachedCampaignSource } from '../../layers/runtime/cached-campaign-source';
import type { Environment } from '../../layers/runtime/config';
import { DELIVER_CONFIG } from '../../layers/runtime/function-configs';
import { recommenderFromEnvironment } from '../../layers/runtime/recommender-from-environment';
import { cachedRolloutExposure } from '../../layers/runtime/cached-rollout-exposure';
import { DynamoExperimentStore } from '../../layers/adapters/dynamo-experiment-store';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { loggedError } from '../../layers/runtime/log-safe';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface DeliverOverrides {
  dynamo?: DynamoDBDocumentClient;
  sns?: SNSClient;
  /** The client for platform-endpoint and SMS publishes, when it differs from the topic client (local stub). */
  pushSns?: SNSClient;
  /** For the visibility of throttled records. */
  sqs?: SQSClient;
  clock?: Clock;
  /** For the field key (Decrypt). */
  kms?: KMS;
  /** Rate-limiter waits; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter of retry delays; default Math.random. */
  random?: () => number;
  /** Fills recommendation slots; default from the environment (see recommenderFromEnvironment). */
  recommender?: Recommender;
}

/**
 * Intents queue → eligibility (campaign, audience, consent, SMS opt-out, quiet hours, caps) → content
 * → a slot under the global rate → SNS push or SMS, once per message id, every decision logged.
 */
export const createDeliverHandler = (env: Environment, overrides: DeliverOverrides = {}) => {
  const config = DELIVER_CONFIG.parse(env);
  // The policy and the recommender read the variables the schema has just checked with these readers.
  const policy = readDeliveryPolicy(env);
  const cacheTtlMs = config.CAMPAIGN_CACHE_TTL_SECONDS * 1000;

  const observability = createObservability('deliver');
  const { logger, metrics } = observability;
  const dimensioned = (name: string, dimension: string, value: string) => {
    const metric = metrics.singleMetric();
    metric.addDimension(dimension, value);
    metric.addMetric(name, MetricUnit.Count, 1);
  };
  const clients = createAwsClients(observability.tracer);
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const sns = overrides.sns ?? clients.sns();
  const directSns = overrides.pushSns ?? sns;
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? Math.random;
  const retryDelay = new SqsRetryDelay(overrides.sqs ?? clients.sqs());
  const experiments = new DynamoExperimentStore(dynamo, config.EXPERIMENTS_TABLE_NAME);
  // One limiter item up to SENDS_PER_SHARD a second; above, shards with a share of the rate each.
  const shards = shardsFor(policy.ratePerSecond);
  const reserver =
    shards === 1
      ? new DynamoSlotReserver(dynamo, config.MESSAGES_TABLE_NAME, policy.ratePerSecond)
      : new ShardedSlotReserver(
          Array.from({ length: shards }, (_, shard) => new DynamoSlotReserver(dynamo, config.MESSAGES_TABLE_NAME, shareOf(policy.ratePerSecond, shards), shard)),
          Math.floor(random() * shards),
        );
  const deps: Omit<DeliverIntentDeps, 'limiter'> = {
    profiles: openingProfileStore(new DynamoProfileStore(dynamo, config.PROFILES_TABLE_NAME), new KmsFieldCipher(overrides.kms ?? clients.kms(), config.FIELD_KEY_ARN)),
    campaigns: cachedCampaignSource(new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME), {
      ttlMs: cacheTtlMs,
      clock,
      onStaleServed: (error) => logger.warn('serving cached campaigns: the Campaigns table could not be read', loggedError(error)),
    }),
    ledger: new DynamoMessageLog(dynamo, config.MESSAGES_TABLE_NAME, config.KPIS_TABLE_NAME),
    rollouts: cachedRolloutExposure(experiments, { ttlMs: cacheTtlMs, clock }),
    exposures: experiments,
    push: new SnsPushSender(directSns),
    sms: new SnsSmsSender(directSns),
    inbox: new DynamoInbox(dynamo, config.INBOX_TABLE_NAME),
    smsOptOuts: new SnsSmsOptOuts(directSns),
    recommender:
      overrides.recommender ??
      recommenderFromEnvironment(env, {
        onSource: (source) => dimensioned('RecommendationSource', 'source', source),
        onFallback: (reason) => dimensioned('RecommendationFallbacks', 'reason', reason),
        // No model promoted yet is the normal state of a new deployment until its first nightly training.
        onModelUnavailable: (error) =>
          error.name === 'ModelArtifactNotFoundError'
            ? logger.info('no recommendation model promoted yet: popular items meanwhile')
            : logger.warn('the recommendation model could not be loaded: popular items meanwhile', loggedError(error)),
      }),
    timers: new DynamoTimerStore(dynamo, config.TIMERS_TABLE_NAME),
    deliveryEvents: new SnsDeliveryEvents(sns, config.DELIVERY_EVENTS_TOPIC_ARN),
    policy,
    clock,
    sleep: overrides.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random,
  };
  const processor = new BatchProcessor(EventType.SQS);

  /** One `Deliveries` data point per outcome and reason (its own dimension set), and the total on the main set. */
  const record = (outcome: string, reason?: string) => {
    metrics.addMetric('IntentsProcessed', MetricUnit.Count, 1);
    const metric = metrics.singleMetric();
    metric.addDimension('outcome', outcome);
    if (reason) metric.addDimension('reason', reason);
    metric.addMetric('Deliveries', MetricUnit.Count, 1);
  };

  /** The campaign's funnel as metrics for the dashboard (dimensions: campaign, channel or reason; bounded). */
  const recordFunnel = (intent: Intent, result: DeliveryResult) => {
    if (result.status !== 'sent' && result.status !== 'unconfirmed' && result.status !== 'suppressed') return;
    const metric = metrics.singleMetric();
    metric.addDimension('campaign', intent.campaignId);
    if (result.status !== 'suppressed') {
      metric.addDimension('channel', result.channel);
      metric.addMetric('CampaignSent', MetricUnit.Count, 1);
    } else if (result.reason === 'HOLDOUT') {
      metric.addMetric('CampaignHeld', MetricUnit.Count, 1);
    } else {
      metric.addDimension('reason', result.reason);
      metric.addMetric('CampaignSuppressed', MetricUnit.Count, 1);
    }
  };

  const deliverRecord = async (sqsRecord: SQSRecord, limiter: BatchRateLimiter): Promise<void> => {
    // The seat is taken before anything can throw and left in `finally`: the batch's slot reservation
    // waits for every record to either ask for a slot or be done.
    const seat = limiter.seat();
    try {
      let intent: Intent;
      try {
        intent = parseIntent(sqsRecord.body);
      } catch (error) {
        record('invalid');
        throw error;
      }
      const receiveCount = Number(sqsRecord.attributes.ApproximateReceiveCount) || 1;
      let result: DeliveryResult;
      try {
        result = await deliverIntent(intent, { ...deps, limiter: seat }, { receiveCount });
      } catch (error) {
        if (error instanceof DeliveryRateLimitedError) {
          record('rate-limited', error.channel);
          const delayMs = rateLimitRetryDelayMs(error.retryAfterMs, receiveCount, random);
          await retryDelay.delay(sqsRecord, delayMs).catch((cause: unknown) => logger.warn('could not delay a throttled intent', loggedError(cause)));
          logger.info('intent throttled', { messageId: intent.messageId, campaignId: intent.campaignId, channel: error.channel, retryInMs: delayMs });
        } else {
          record('error', loggedError(error).error);
          logger.warn('intent failed; the queue retries it', { messageId: intent.messageId, campaignId: intent.campaignId, ...loggedError(error) });
        }
        throw error;
      }
      record(result.status, 'reason' in result ? result.reason : undefined);
      recordFunnel(intent, result);
      if (result.announced === false) metrics.addMetric('DeliveryEventsNotPublished', MetricUnit.Count, 1);
      // Ids and the decision only: endpoints, phone numbers and content stay out of the logs.
      logger.info('intent decided', {
        messageId: intent.messageId,
        campaignId: intent.campaignId,
        status: result.status,
        ...('reason' in result && { reason: result.reason }),
        ...('channel' in result && { channel: result.channel }),
        ...('variant' in result && { variant: result.variant }),
        ...('until' in result && { until: result.until.toISOString() }),
      });
    } finally {
      seat.leave();
    }
  };

  return withObservability((event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const limiter = new BatchRateLimiter(reserver, policy.maxRateWaitMs, event.Records.length);
    return processPartialResponse(event, (sqsRecord: SQSRecord) => deliverRecord(sqsRecord, limiter), processor, { context });
  }, observability);
};

export const handler = lazyHandler(() => createDeliverHandler(process.env));

