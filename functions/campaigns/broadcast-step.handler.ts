import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoBroadcastRuns } from '../../layers/adapters/dynamo-broadcast-runs';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { S3BroadcastRecipients } from '../../layers/adapters/s3-broadcast-recipients';
import { S3Objects } from '../../layers/adapters/s3-objects';
import { SqsIntentQueue } from '../../layers/adapters/sqs-intent-queue';
import { collectSegment, finishBroadcast, orderWaves, planBroadcast, sendWave, type BroadcastStepDeps } from '../../layers/core/broadcasts/broadcast-steps';
import { systemClock, type Clock } from '../../layers/core/clock';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { BROADCAST_STEP_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

type Ref = { campaignId: string; occurrence: string };

/** One step of the Broadcast state machine (infra/constructs/broadcasts.ts). */
export type BroadcastStep =
  | ({ step: 'plan' } & Ref)
  | ({ step: 'collect'; segment: number; totalSegments: number } & Ref)
  | ({ step: 'waves'; segments: number[]; collected: { waves: Record<string, number> }[] } & Ref)
  | ({ step: 'send'; segment: number; wave: string } & Ref)
  | ({ step: 'finish' } & Ref);

export interface BroadcastStepOverrides {
  dynamo?: DynamoDBDocumentClient;
  s3?: S3Client;
  sqs?: SQSClient;
  clock?: Clock;
}

/**
 * The fan-out of a broadcast occurrence: plan, collect the recipients of one scan segment, order the
 * waves, send one segment's wave, finish. Campaign ids, occurrences and counts are logged; never a user.
 */
export const createBroadcastStepHandler = (env: Environment, overrides: BroadcastStepOverrides = {}) => {
  const config = BROADCAST_STEP_CONFIG.parse(env);
  const observability = createObservability('broadcast-step');
  const { logger, metrics, tracer } = observability;
  const clients = createAwsClients(tracer);
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const profiles = new DynamoProfileStore(dynamo, config.PROFILES_TABLE_NAME);
  const clock = overrides.clock ?? systemClock;
  const deps: BroadcastStepDeps = {
    // Read at every step (no cache): a deactivated campaign stops the next wave.
    campaigns: new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME),
    runs: new DynamoBroadcastRuns(dynamo, config.EXPERIMENTS_TABLE_NAME),
    recipients: new S3BroadcastRecipients(new S3Objects(overrides.s3 ?? clients.s3(), config.REPORTS_BUCKET_NAME)),
    intents: new SqsIntentQueue(overrides.sqs ?? clients.sqs(), config.INTENTS_QUEUE_URL),
    scanSegment: (segment, total) => profiles.scanSegment(segment, total),
    now: () => clock(),
    ...(config.DEFAULT_TIME_ZONE && { defaultTimeZone: config.DEFAULT_TIME_ZONE }),
  };

  const run = async (input: BroadcastStep) => {
    switch (input.step) {
      case 'plan':
        return planBroadcast(deps, { campaignId: input.campaignId, occurrence: input.occurrence, totalSegments: config.BROADCAST_SCAN_SEGMENTS });
      case 'collect':
        return collectSegment(deps, input);
      case 'waves':
        return orderWaves(deps, input);
      case 'send': {
        const sent = await sendWave(deps, input);
        metrics.addMetric('BroadcastIntentsEnqueued', MetricUnit.Count, sent.enqueued);
        return sent;
      }
      case 'finish':
        return finishBroadcast(deps, input);
    }
  };

  return withObservability(async (input: BroadcastStep) => {
    const output = await run(input);
    const summary = input.step === 'waves' ? { waves: (output as { waves: unknown[] }).waves.length } : input.step === 'collect' ? { segment: input.segment } : output;
    logger.info('broadcast step', { step: input.step, campaignId: input.campaignId, occurrence: input.occurrence, summary });
    return output;
  }, observability);
};

export const handler = lazyHandler(() => createBroadcastStepHandler(process.env));
