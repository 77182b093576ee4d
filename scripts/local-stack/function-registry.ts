import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import { createSweepTimersHandler } from '../../functions/campaigns/sweep-timers.handler';
import { createDeliverHandler } from '../../functions/messaging/deliver.handler';
import { createDailyReviewHandler } from '../../functions/measurement/daily-review.handler';
import { createKpiMonitorHandler } from '../../functions/measurement/kpi-monitor.handler';
import { createDeliveryStatusHandler } from '../../functions/measurement/delivery-status.handler';
import { createIngestHandler } from '../../functions/ingest/ingest.handler';
import { createNightlyProfilesHandler } from '../../functions/profiles/nightly-profiles.handler';
import { createProcessEventsHandler } from '../../functions/processing/process-events.handler';
import { createRetrainModelHandler } from '../../functions/recommendations/retrain-model.handler';
import { createRolloutStepHandler } from '../../functions/rollouts/rollout-step.handler';
import { createDataRequestHandler } from '../../functions/compliance/data-request.handler';
import { createAdminApiHandler } from '../../functions/compliance/admin-api.handler';
import { createBroadcastStepHandler } from '../../functions/campaigns/broadcast-step.handler';
import { createBroadcastSchedulerHandler } from '../../functions/campaigns/broadcast-scheduler.handler';
import { createInboxApiHandler } from '../../functions/inbox/inbox-api.handler';
import { createInboxAuthorizerHandler } from '../../functions/inbox/inbox-authorizer.handler';
import type { BroadcastStarter } from '../../layers/core/broadcasts/broadcast-run';
import type { DataRequests } from '../../layers/core/compliance/data-requests';
import type { KMS } from '@aws-sdk/client-kms';
import type { Clock } from '../../layers/core/clock';
import type { LambdaHandler } from './lambda-runtime';

/** What the local stack hands every function factory besides its environment. */
export interface LocalDependencies {
  dynamo: DynamoDBDocumentClient;
  kinesis: KinesisClient;
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  kms: KMS;
  clock: Clock;
  /** The data-subject requests the admin API starts (the local stack runs the DataRequest machine). */
  dataRequests?: DataRequests;
  /** The broadcasts the scheduler starts (the local stack runs the Broadcast machine). */
  broadcasts?: BroadcastStarter;
  /** The local stand-in of the inbox signing secret (Secrets Manager has no emulator here). */
  inboxSigningSecret?: string;
}

type Factory = (env: Record<string, string>, deps: LocalDependencies) => LambdaHandler<any, any>;

/**
 * Each function's factory, by the handler file the template names in `pipeline:entry`. A function added
 * to the CDK app without an entry here makes the local stack fail at start, naming it, rather than
 * run without it.
 */
export const FUNCTION_FACTORIES: Readonly<Record<string, Factory>> = {
  'functions/ingest/ingest.handler.ts': (env, deps) => createIngestHandler(env, { kinesis: deps.kinesis, clock: deps.clock }),
  'functions/processing/process-events.handler.ts': (env, deps) =>
    createProcessEventsHandler(env, { dynamo: deps.dynamo, sqs: deps.sqs, kms: deps.kms, clock: deps.clock }),
  'functions/messaging/deliver.handler.ts': (env, deps) => createDeliverHandler(env, { dynamo: deps.dynamo, kms: deps.kms, sns: deps.sns, sqs: deps.sqs, clock: deps.clock }),
  'functions/campaigns/sweep-timers.handler.ts': (env, deps) => createSweepTimersHandler(env, { dynamo: deps.dynamo, sqs: deps.sqs, clock: deps.clock }),
  'functions/profiles/nightly-profiles.handler.ts': (env, deps) => createNightlyProfilesHandler(env, { dynamo: deps.dynamo, clock: deps.clock }),
  'functions/recommendations/retrain-model.handler.ts': (env, deps) => createRetrainModelHandler(env, { s3: deps.s3, clock: deps.clock }),
  'functions/measurement/kpi-monitor.handler.ts': (env, deps) => createKpiMonitorHandler(env, { dynamo: deps.dynamo, sns: deps.sns, clock: deps.clock }),
  'functions/measurement/daily-review.handler.ts': (env, deps) => createDailyReviewHandler(env, { dynamo: deps.dynamo, s3: deps.s3, sns: deps.sns, clock: deps.clock }),
  'functions/measurement/delivery-status.handler.ts': (env, deps) => createDeliveryStatusHandler(env, { dynamo: deps.dynamo }),
  'functions/rollouts/rollout-step.handler.ts': (env, deps) => createRolloutStepHandler(env, { dynamo: deps.dynamo, s3: deps.s3, clock: deps.clock }),
  'functions/compliance/admin-api.handler.ts': (env, deps) =>
    createAdminApiHandler(env, { dynamo: deps.dynamo, s3: deps.s3, clock: deps.clock, ...(deps.dataRequests && { dataRequests: deps.dataRequests }) }),
  'functions/campaigns/broadcast-step.handler.ts': (env, deps) => createBroadcastStepHandler(env, { dynamo: deps.dynamo, s3: deps.s3, sqs: deps.sqs, clock: deps.clock }),
  'functions/campaigns/broadcast-scheduler.handler.ts': (env, deps) =>
    createBroadcastSchedulerHandler(env, { dynamo: deps.dynamo, clock: deps.clock, ...(deps.broadcasts && { starter: deps.broadcasts }) }),
  'functions/inbox/inbox-api.handler.ts': (env, deps) => createInboxApiHandler(env, { dynamo: deps.dynamo, kinesis: deps.kinesis, clock: deps.clock }),
  'functions/inbox/inbox-authorizer.handler.ts': (env, deps) =>
    createInboxAuthorizerHandler(env, { clock: deps.clock, signingSecrets: async () => (deps.inboxSigningSecret ? [deps.inboxSigningSecret] : []) }),
  'functions/compliance/data-request.handler.ts': (env, deps) => createDataRequestHandler(env, { dynamo: deps.dynamo, s3: deps.s3, clock: deps.clock }),
};

export class UnknownFunctionEntryError extends Error {
  override readonly name = 'UnknownFunctionEntryError';
  constructor(logicalId: string, entry: string | undefined) {
    super(
      `function ${logicalId} (${entry ?? 'no pipeline:entry metadata'}) has no factory in scripts/local-stack/function-registry.ts; add one so the local stack can run it`,
    );
  }
}
