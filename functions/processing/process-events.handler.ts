import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoConsentReceipts } from '../../layers/adapters/dynamo-consent-receipts';
import { FirehoseEventArchive } from '../../layers/adapters/firehose-event-archive';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { KmsFieldCipher } from '../../layers/adapters/kms-field-cipher';
import { sealingProfileStore } from '../../layers/core/profile/contact-fields';
import type { KMS } from '@aws-sdk/client-kms';
import { DynamoTimerStore } from '../../layers/adapters/dynamo-timer-store';
import { PersonalizeInteractions } from '../../layers/adapters/personalize-interactions';
import { interactionsOfEvent } from '../../layers/core/recommendations/archived-interactions';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import { DynamoExperimentStore } from '../../layers/adapters/dynamo-experiment-store';
import { DynamoKpiStore } from '../../layers/adapters/dynamo-kpi-store';
import { attributeTouches, type TouchAttributionResult } from '../../layers/core/kpis/attribute-touches';
import { behaviourOf } from '../../layers/core/kpis/behaviour';
import { SqsIntentQueue } from '../../layers/adapters/sqs-intent-queue';
import { SqsPoisonSink } from '../../layers/adapters/sqs-poison-sink';
import { systemClock, type Clock } from '../../layers/core/clock';
import { decodeRecords, poisonOf } from '../../layers/core/contract/decode-records';
import type { InteractionSink } from '../../layers/core/ports';
import { attributeOutcomes } from '../../layers/core/rollouts/attribute-outcomes';
import { processEvents } from '../../layers/core/processing/process-events';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import { cachedCampaignSource } from '../../layers/runtime/cached-campaign-source';
import type { Environment } from '../../layers/runtime/config';
import { PROCESS_EVENTS_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { loggedError } from '../../layers/runtime/log-safe';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface ProcessEventsOverrides {
  dynamo?: DynamoDBDocumentClient;
  sqs?: SQSClient;
  firehose?: FirehoseClient;
  clock?: Clock;
  /** For the field key (GenerateDataKey). */
  kms?: KMS;
  /** For PutEvents when PERSONALIZE_TRACKING_ID is set. */
  personalizeEvents?: PersonalizeEventsClient;
}

/**
 * Kinesis → profiles → campaign triggers. Bad records (undecodable, off the contract, or valid but unusable
 * by the profile) are parked in the events DLQ with their reason, counted in `PoisonRecords`, and never
 * block the rest; a user whose write (or outbox flush) fails has their records reported in the
 * partial batch response, so Lambda retries from the first of them (the others' replays are deduplicated
 * by insertId).
 */
export const createProcessEventsHandler = (env: Environment, overrides: ProcessEventsOverrides = {}) => {
  const config = PROCESS_EVENTS_CONFIG.parse(env);
  const observability = createObservability('process-events');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const sqs = overrides.sqs ?? clients.sqs();
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const clock = overrides.clock ?? systemClock;
  // Addresses are sealed on the way in; this function can encrypt (GenerateDataKey) but never decrypt.
  const profiles = sealingProfileStore(new DynamoProfileStore(dynamo, config.PROFILES_TABLE_NAME), new KmsFieldCipher(overrides.kms ?? clients.kms(), config.FIELD_KEY_ARN));
  const intents = new SqsIntentQueue(sqs, config.INTENTS_QUEUE_URL);
  const poisonSink = new SqsPoisonSink(sqs, config.EVENTS_DLQ_URL);
  const timers = new DynamoTimerStore(dynamo, config.TIMERS_TABLE_NAME);
  const exposures = new DynamoExperimentStore(dynamo, config.EXPERIMENTS_TABLE_NAME);
  const touches = new DynamoKpiStore(dynamo, config.KPIS_TABLE_NAME);
  const consents = new DynamoConsentReceipts(dynamo, config.CONSENTS_TABLE_NAME);
  const archive = new FirehoseEventArchive(overrides.firehose ?? clients.firehose(), config.EVENTS_ARCHIVE_STREAM_NAME);
  const tracking = { default: config.TRACKING_CONSENT, byRegion: config.TRACKING_CONSENT_BY_REGION };
  /** The funnel's outcomes as metrics, one data point per campaign (bounded: campaigns, currencies). */
  const emitFunnel = (funnel: TouchAttributionResult) => {
    for (const [campaign, tally] of funnel.byCampaign) {
      const metric = metrics.singleMetric();
      metric.addDimension('campaign', campaign);
      if (tally.opened > 0) metric.addMetric('CampaignOpened', MetricUnit.Count, tally.opened);
      if (tally.converted > 0) metric.addMetric('CampaignConverted', MetricUnit.Count, tally.converted);
      for (const [currency, revenue] of Object.entries(tally.revenue)) {
        const money = metrics.singleMetric();
        money.addDimension('campaign', campaign);
        money.addDimension('currency', currency);
        money.addMetric('CampaignRevenue', MetricUnit.NoUnit, revenue);
      }
    }
  };
  const personalize: InteractionSink | undefined = config.PERSONALIZE_TRACKING_ID
    ? new PersonalizeInteractions(overrides.personalizeEvents ?? observability.tracer.captureAWSv3Client(new PersonalizeEventsClient(awsClientConfig())), config.PERSONALIZE_TRACKING_ID)
    : undefined;
  const campaigns = cachedCampaignSource(new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME), {
    ttlMs: config.CAMPAIGN_CACHE_TTL_SECONDS * 1000,
    clock,
    onStaleServed: (error) => logger.warn('serving cached campaigns: the Campaigns table could not be read', loggedError(error)),
  });

  return withObservability(async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const records = event.Records.map(({ kinesis }) => ({
      sequenceNumber: kinesis.sequenceNumber,
      partitionKey: kinesis.partitionKey,
      data: kinesis.data,
    }));
    const { events, poison } = decodeRecords(records);

    const result = await processEvents({ events, profiles, intents, campaigns, timers, consents, archive, tracking, now: clock() });
    // Nothing accepted is dropped: what decode or the fold refused is parked with its reason (and alarmed
    // on by the DLQ's depth). If parking fails the invocation fails and the batch is retried.
    const unusable = poisonOf(records, result.refused, 'UNUSABLE');
    const parked = [...poison, ...unusable];
    if (parked.length > 0) {
      await poisonSink.park(parked);
      // Reasons and codes only: paths and messages can name the client's own keys.
      logger.warn('parked poison records', {
        count: parked.length,
        reasons: parked.map((p) => ({ sequenceNumber: p.sequenceNumber, reason: p.reason, codes: p.errors.map((e) => e.code) })),
      });
    }
    const refused = new Set(result.refused.map((r) => r.sequenceNumber));
    // Untracked behaviour goes no further: no Personalize, no attribution (it is not folded either).
    const held = events.filter((e) => !result.failed.has(e.profileKey) && !refused.has(e.sequenceNumber) && !result.untrackedEvents.has(e.event));
    if (personalize) {
      // Best effort: Personalize's real-time view is a bonus; the archive feeds the nightly training either way.
      const applied = held.flatMap((e) => interactionsOfEvent(e.event));
      const { sent, failed } = await personalize.send(applied).catch(() => ({ sent: 0, failed: applied.length }));
      metrics.addMetric('PersonalizeEventsSent', MetricUnit.Count, sent);
      if (failed > 0) {
        metrics.addMetric('PersonalizeEventsFailed', MetricUnit.Count, failed);
        logger.warn('Personalize did not take some interactions', { failed });
      }
    }

    // Conversions and clicks of rollouts, from the events whose profile update held (a retried record is attributed on its retry).
    const attribution = await attributeOutcomes(held, exposures);
    metrics.addMetric('RolloutConversions', MetricUnit.Count, attribution.conversions);
    metrics.addMetric('RolloutClicks', MetricUnit.Count, attribution.clicks);
    for (const [userId, error] of attribution.failed) logger.error('rollout attribution failed; records will be retried', { userId, ...loggedError(error) });
    // The programme's behaviour and feedback for the daily review, from the events new to their profile.
    const behaviour = behaviourOf(result.appliedEvents);
    await touches.recordBehaviour(behaviour.increments, behaviour.feedback);
    if (behaviour.feedback.length > 0) metrics.addMetric('FeedbackReceived', MetricUnit.Count, behaviour.feedback.length);

    // Every campaign's funnel: opens and orders attributed to the sends (and holdout decisions) before them.
    const funnel = await attributeTouches(held, touches);
    emitFunnel(funnel);
    for (const [userId, error] of funnel.failed) logger.error('funnel attribution failed; records will be retried', { userId, ...loggedError(error) });

    metrics.addMetric('EventsApplied', MetricUnit.Count, result.applied);
    metrics.addMetric('DuplicateEvents', MetricUnit.Count, result.duplicates);
    for (const [reason, count] of Object.entries(result.notTracked)) {
      const notTracked = metrics.singleMetric();
      notTracked.addDimension('reason', reason);
      notTracked.addMetric('EventsNotTracked', MetricUnit.Count, count);
    }
    metrics.addMetric('ConsentReceiptsWritten', MetricUnit.Count, result.receiptsWritten);
    metrics.addMetric('EventsArchived', MetricUnit.Count, result.archived.events);
    metrics.addMetric('ArchiveRecords', MetricUnit.Count, result.archived.records);
    metrics.addMetric('PoisonRecords', MetricUnit.Count, parked.length);
    metrics.addMetric('UnusableRecords', MetricUnit.Count, unusable.length);
    metrics.addMetric('ProfilesWritten', MetricUnit.Count, result.profilesWritten);
    metrics.addMetric('VersionConflicts', MetricUnit.Count, result.versionConflicts);
    metrics.addMetric('TriggersFired', MetricUnit.Count, result.triggersFired);
    metrics.addMetric('IntentsSent', MetricUnit.Count, result.intentsSent);
    metrics.addMetric('TimersArmed', MetricUnit.Count, result.timersArmed);
    metrics.addMetric('TimersCancelled', MetricUnit.Count, result.timersCancelled);
    metrics.addMetric('StaleTriggers', MetricUnit.Count, result.staleTriggers);
    for (const [userId, error] of result.failed) {
      logger.error('profile update failed; records will be retried', { userId, ...loggedError(error) });
    }
    logger.info('batch processed', { records: event.Records.length, ...summary(result) });

    return {
      batchItemFailures: events
        .filter((e) => result.failed.has(e.profileKey) || attribution.failed.has(e.profileKey) || funnel.failed.has(e.profileKey))
        .map((e) => ({ itemIdentifier: e.sequenceNumber })),
    };
  }, observability);
};

const summary = ({ failed, refused, appliedEvents: _applied, untrackedEvents, ...counts }: Awaited<ReturnType<typeof processEvents>>) => ({ ...counts, failedUsers: failed.size, refused: refused.length, untracked: untrackedEvents.size });


export const handler = lazyHandler(() => createProcessEventsHandler(process.env));
