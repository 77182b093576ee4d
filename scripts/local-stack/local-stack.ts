import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Objects } from '../../layers/adapters/s3-objects';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { LocalModelStore } from '../../layers/adapters/local-model-store';
import { S3ModelStore } from '../../layers/adapters/s3-model-store';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { KMS } from '@aws-sdk/client-kms';
import { loadCampaignFiles } from '../campaigns/load-campaign-files';
import { systemClock, type Clock } from '../../layers/core/clock';
import { startApiGatewayServer, type ApiGatewayServer } from './api-gateway';
import { startEmulators, type LocalEmulators } from './emulators';
import { FUNCTION_FACTORIES, UnknownFunctionEntryError, type LocalDependencies } from './function-registry';
import { createLambdaContext, type LambdaHandler } from './lambda-runtime';
import { LOCAL_API_KEY, LOCAL_INBOX_PORT, LOCAL_INBOX_SIGNING_SECRET, LOCAL_INGEST_PORT, LOCAL_REPORTS_DIR } from './local-defaults';
import { removeLocalState, writeLocalState } from './local-state';
import { deliverToS3, s3DeliveryFromQueueHandler, s3DeliveryHandler } from './firehose/s3-delivery';
import { startFirehoseDirectPut, type FirehosePutStats, type FirehoseSink } from './emulators/firehose-direct-put';
import { resolveStateMachines, runStateMachine } from './step-functions/run-state-machine';
import { LocalBroadcasts } from './step-functions/local-broadcasts';
import { LocalDataRequests } from './step-functions/local-data-requests';
import { S3DataRequestFiles } from '../../layers/adapters/s3-data-request-files';
import { narrative, type Log } from './narrative';
import { synthesizePipelineTemplate } from './pipeline-template';
import { KinesisPoller, SqsPoller, type Poller } from './pollers';
import { createDeliveryStatusQueue, resolveLogSubscribers, subscriptionEventsOf } from './delivery-status-logs';
import {
  provisionFromTemplate,
  resolveEventSourceMappings,
  resolveFunctions,
  resolveRestApis,
  resolveSchedules,
  resolveDeliveryStreams,
  type ProvisionedStack,
  type DeliverySource,
  type ResolvedDeliveryStream,
  type ResolvedEventSourceMapping,
  type ResolvedFunction,
} from './provision-from-template';

export interface LocalStackOptions {
  /** Port of the ingest endpoint; 0 = a free one. @default LOCAL_INGEST_PORT (4000, or $PORT) */
  port?: number;
  /** Port of the inbox API; 0 = a free one. @default LOCAL_INBOX_PORT (4001), or a free one when `port` is 0 */
  inboxPort?: number;
  apiKey?: string;
  /** The inbox signing secret (`UserHash` = its HMAC of the user id). @default LOCAL_INBOX_SIGNING_SECRET */
  inboxSigningSecret?: string;
  /** Narrative lines; `() => {}` for silence. @default console.log */
  log?: Log;
  /** The clock every handler gets (a fixed one makes tests deterministic). @default the system clock */
  clock?: Clock;
  /** Write .local-stack/state.json for the CLIs. @default false */
  writeState?: boolean;
  /** Failed SQS messages come back after this many seconds instead of the queue's timeout. @default 2 */
  sqsRetryVisibilityTimeoutSeconds?: number;
  /**
   * Run the template's `rate(...)` schedules (the every-minute timer sweep) on real timers, as npm start
   * does. Tests leave it off and call {@link LocalStack.sweepTimers} on their virtual clock. `cron(...)`
   * schedules (the nightly rescoring) never run by themselves locally: {@link LocalStack.runSchedule}.
   * @default false
   */
  runSchedules?: boolean;
  /**
   * How often idle pollers look again, in ms; when set, SQS pollers poll instead of long-polling for a
   * second. Tests that settle many times set it low. @default 250, and 1 s long polls for SQS
   */
  pollIntervalMs?: number;
  /**
   * Store and activate the campaigns of this folder at start (`false`: none, the Campaigns table starts
   * empty). @default events/campaigns (the four seed campaigns)
   */
  seedCampaigns?: string | false;
  /**
   * A model folder (`npm run train:recs` writes `.local-stack/models`) whose current model is copied to
   * the Models bucket at start and promoted there, so deliver serves it. Ignored when the folder has
   * none. @default none: the bucket starts empty and deliver serves popular items until a retraining
   */
  seedModelFrom?: string;
  /**
   * Values that replace a function's template environment variable of the same name, where the function
   * has it (e.g. `{ HOLDOUT_SHARE: '0.2' }`, `{ KPI_TIME_ZONE: 'Europe/London' }`). @default none
   */
  environment?: Readonly<Record<string, string>>;
}

export interface LocalStack {
  /** `http://127.0.0.1:<port>`; POST /v1/events. */
  url: string;
  apiKey: string;
  /** `http://127.0.0.1:<port>`; GET /v1/users/{userId}/messages. */
  inboxUrl: string;
  inboxSigningSecret: string;
  emulators: LocalEmulators;
  stack: ProvisionedStack;
  clients: LocalDependencies;
  /** Handlers by function logical ID, as the pollers and the gateway invoke them. */
  functions: Record<string, LambdaHandler<any, any>>;
  /** What the functions put to Direct PUT Firehose streams (the events archive), for the cost bench. */
  firehosePuts: FirehosePutStats;
  /** Resolves when every stream and queue has been processed (including what that processing enqueued). */
  settle(timeoutMs?: number): Promise<void>;
  /** Invokes the function a schedule of the template targets, now, as EventBridge Scheduler would. */
  runSchedule(scheduleLogicalId: string): Promise<unknown>;
  /** Runs the timer sweep now (`SweepTimersSchedule`): fires every timer due on the stack's clock. */
  sweepTimers(): Promise<unknown>;
  /** Invokes the scheduled nightly profile job now, as the EventBridge schedule would. */
  runNightlyProfiles(): Promise<unknown>;
  /** Runs the broadcast scheduler's tick now: starts (and, locally, runs to the end) every due broadcast occurrence. */
  runBroadcastScheduler(): Promise<unknown>;
  /** Starts a broadcast occurrence directly, as the scheduler would (once per occurrence). */
  broadcasts: LocalBroadcasts;
  /** Executes the RetrainModel state machine now (aws-local-stepfunctions), as its nightly schedule would. */
  retrainModel(): Promise<unknown>;
  /**
   * Executes the Rollout state machine for a campaign, from its synthesized definition. Each bake is
   * `bakeSeconds` of wall time (default: the plan's), or, with `onBake`, whatever `onBake` does before the
   * stage is evaluated (tests send the stage's traffic and move the clock there). Resolves with the
   * finished rollout (or rejects with the execution's error: RolledBack, Held, RolloutFailed), and copies
   * the report to `.local-stack/reports/`.
   */
  runRollout(campaignId: string, options?: RunRolloutOptions): Promise<RolloutRunResult>;
  /** The campaigns seeded at start, by id. */
  seededCampaigns: readonly string[];
  /** Data-subject requests, run by the DataRequest state machine (what the admin API starts). */
  dataRequests?: LocalDataRequests;
  stop(): Promise<void>;
}

export interface RunRolloutOptions {
  bakeSeconds?: number;
  /** Runs during each bake, before its evaluation: the stage as start-stage returned it. */
  onBake?: (stage: { runId: string; stageIndex: number; exposurePercent: number }) => Promise<void>;
}

/** How a local rollout execution ended. */
export interface RolloutRunResult {
  /** `Completed`, `Aborted`, or the error of the Fail state (`RolledBack`, `Held`, `RolloutFailed`). */
  outcome: string;
  output?: unknown;
  /** The report copied out of the Reports bucket, when one was written. */
  reportFile?: string;
}

/** The IAM user the local gateway names the signer of an admin request. */
export const LOCAL_IAM_USER = 'local';

/**
 * Quiet Powertools for in-process handlers: the narrative is the console, not EMF blobs and JSON logs.
 * Read at each start: npm start and tests that keep the logs ask for INFO.
 */
const localPowertoolsEnv = () => ({
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
});

/**
 * The whole pipeline on 127.0.0.1: emulators, resources created from the synthesized template, the
 * real handlers in-process with their template environment, Kinesis and SQS pollers with the template's
 * event source settings, and the REST API served like API Gateway.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const say = narrative(log);
  const clock = options.clock ?? systemClock;
  const apiKey = options.apiKey ?? LOCAL_API_KEY;
  const inboxSigningSecret = options.inboxSigningSecret ?? LOCAL_INBOX_SIGNING_SECRET;

  const { stackName, template } = synthesizePipelineTemplate();
  const emulators = await startEmulators();
  const stoppers: (() => Promise<unknown>)[] = [() => emulators.stop()];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
    if (options.writeState) removeLocalState();
  };

  try {
    Object.assign(process.env, emulators.awsEnvironment(), localPowertoolsEnv());
    const dynamodb = new DynamoDBClient(emulators.clientConfig('dynamodb'));
    const clients: LocalDependencies = {
      dynamo: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      kinesis: new KinesisClient(emulators.clientConfig('kinesis')),
      sqs: new SQSClient(emulators.clientConfig('sqs')),
      sns: new SNSClient(emulators.clientConfig('sns')),
      s3: new S3Client(emulators.clientConfig('s3')),
      kms: new KMS(emulators.clientConfig('kms')),
      clock,
      inboxSigningSecret,
    };
    stoppers.push(async () => [dynamodb, clients.kinesis, clients.sqs, clients.sns, clients.s3, clients.kms].forEach((c) => c.destroy()));

    const stack = await provisionFromTemplate(template, { dynamodb, kinesis: clients.kinesis, sqs: clients.sqs, sns: clients.sns, s3: clients.s3 }, { stackName, region: emulators.region });
    // Direct PUT delivery streams (the events archive): a local Firehose endpoint the functions' SDK clients
    // reach through AWS_ENDPOINT_URL_FIREHOSE, delivering each call's records to the bucket at once.
    const directStreams = new Map(
      resolveDeliveryStreams(template, stack).flatMap((stream): [string, FirehoseSink][] =>
        stream.source.kind === 'direct' ? [[stream.source.name, (records) => deliverToS3(stream, clients.s3, clock, records)]] : [],
      ),
    );
    let firehosePuts: FirehosePutStats = { calls: 0, records: 0, bytes: 0, billedBytes: 0 };
    if (directStreams.size > 0) {
      const firehose = await startFirehoseDirectPut(directStreams);
      stoppers.push(firehose.stop);
      process.env.AWS_ENDPOINT_URL_FIREHOSE = firehose.endpoint;
      firehosePuts = firehose.stats;
    }
    const reportsBucket = stack.resources.Reports?.name;
    const dataRequests = reportsBucket ? new LocalDataRequests(new S3DataRequestFiles(clients.s3, reportsBucket), clock) : undefined;
    if (dataRequests) clients.dataRequests = dataRequests;
    const broadcasts = new LocalBroadcasts();
    clients.broadcasts = broadcasts;
    const resolved = resolveFunctions(template, stack);
    const identity = { region: emulators.region, accountId: emulators.accountId };
    const functions: Record<string, LambdaHandler<any, any>> = {};
    for (const fn of resolved) functions[fn.logicalId] = createFunction({ ...fn, environment: { ...fn.environment, ...localOverrides(fn.environment, options.environment) } }, clients);
    const byId = new Map(resolved.map((fn) => [fn.logicalId, fn]));
    const profilesTable = Object.values(stack.resources).find((r) => r.logicalId === 'Profiles')?.name;
    const profiles = profilesTable ? new DynamoProfileStore(clients.dynamo, profilesTable) : undefined;

    // Narrate what each function did, around the real handler.
    const narrated = (fn: ResolvedFunction): LambdaHandler<any, any> => {
      const handler = functions[fn.logicalId]!;
      if (fn.entry === 'functions/ingest/ingest.handler.ts') {
        return async (event, context) => {
          const response = await handler(event, context);
          say.ingested(response.statusCode, response.body);
          return response;
        };
      }
      if (fn.entry === 'functions/processing/process-events.handler.ts') {
        return async (event: KinesisStreamEvent, context) => {
          const result = await handler(event, context);
          const users = [...new Set(event.Records.map((r) => r.kinesis.partitionKey))].slice(0, 5);
          for (const user of users) {
            const profile = await profiles?.load(user);
            if (profile) say.profile(profile);
          }
          return result;
        };
      }
      if (fn.entry === 'functions/messaging/deliver.handler.ts') {
        return async (event: SQSEvent, context) => {
          for (const record of event.Records) {
            try {
              const intent = JSON.parse(record.body);
              say.triggerFired(intent.campaignId, intent.userId, intent.channel);
            } catch {
              /* deliver reports bad intents itself */
            }
          }
          return handler(event, context);
        };
      }
      return handler;
    };

    const pollers: Poller[] = [];
    for (const mapping of resolveEventSourceMappings(template, stack)) {
      const fn = byId.get(mapping.functionLogicalId);
      if (!fn || !mapping.enabled) continue;
      const local = { name: fn.name, handler: narrated(fn), timeoutSeconds: fn.timeoutSeconds, memorySizeMb: fn.memorySizeMb };
      const timing = {
        onBatch: say.batch,
        onError: (error: Error) => stopping || say.info(`poller error: ${error.message}`),
        ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      };
      const sqsWait = options.pollIntervalMs !== undefined ? { waitTimeSeconds: 0 } : {};
      pollers.push(
        mapping.source.kind === 'kinesis'
          ? new KinesisPoller({ kinesis: clients.kinesis, mapping, fn: local, identity, destinations: { sqs: clients.sqs, sns: clients.sns }, ...timing })
          : new SqsPoller({ sqs: clients.sqs, mapping, fn: local, identity, retryVisibilityTimeoutSeconds: options.sqsRetryVisibilityTimeoutSeconds ?? 2, ...sqsWait, ...timing }),
      );
    }
    // Kinesis Data Firehose to S3 (the events archive, the decisions export): the same pollers as the
    // functions', delivering to the bucket. A 1 s buffer instead of Firehose's minutes, so the archive
    // is there when a test or a demo retrains or queries.
    for (const stream of resolveDeliveryStreams(template, stack)) {
      const onError = (error: Error) => stopping || say.info(`${stream.logicalId} error: ${error.message}`);
      if (stream.source.kind === 'direct') continue;
      if (stream.source.kind === 'kinesis') {
        const fn = { name: stream.logicalId, handler: s3DeliveryHandler(stream, clients.s3, clock), timeoutSeconds: 60, memorySizeMb: 128 };
        pollers.push(new KinesisPoller({ kinesis: clients.kinesis, mapping: firehoseMapping(stream, stream.source), fn, identity, onError }));
      } else {
        const fn = { name: stream.logicalId, handler: s3DeliveryFromQueueHandler(stream, clients.s3, clock), timeoutSeconds: 60, memorySizeMb: 128 };
        const mapping = { source: stream.source.queue, batchSize: 500, maximumBatchingWindowInSeconds: 1, reportBatchItemFailures: false };
        const sqsWait = options.pollIntervalMs !== undefined ? { waitTimeSeconds: 0, pollIntervalMs: options.pollIntervalMs } : {};
        pollers.push(new SqsPoller({ sqs: clients.sqs, mapping, fn, identity, onError, ...sqsWait }));
      }
    }
    // SNS's delivery status logs (CloudWatch Logs subscription filters) for every direct publish.
    const logSubscribers = resolveLogSubscribers(template);
    if (logSubscribers.length > 0) {
      const statusQueue = await createDeliveryStatusQueue(clients.sqs, 'local-delivery-status-logs');
      const unsubscribeStatus = emulators.directPublishes.onPublish((publish) => void statusQueue.log(publish).catch((error: Error) => say.info(`delivery status not logged: ${error.name}`)));
      stoppers.push(async () => unsubscribeStatus());
      const handler = async (event: SQSEvent) => {
        for (const logsEvent of subscriptionEventsOf(event, emulators.region)) {
          for (const id of logSubscribers) await invoke(byId.get(id)!, logsEvent);
        }
      };
      const mapping = { source: { name: 'local-delivery-status-logs', arn: statusQueue.arn, url: statusQueue.url }, batchSize: 100, maximumBatchingWindowInSeconds: 0, reportBatchItemFailures: false };
      const sqsWait = options.pollIntervalMs !== undefined ? { waitTimeSeconds: 0, pollIntervalMs: options.pollIntervalMs } : {};
      const onError = (error: Error) => stopping || say.info(`delivery status logs error: ${error.message}`);
      pollers.push(new SqsPoller({ sqs: clients.sqs, mapping, fn: { name: 'SnsDeliveryStatusLogs', handler, timeoutSeconds: 30, memorySizeMb: 128 }, identity, onError, ...sqsWait }));
    }
    await Promise.all(pollers.map((p) => p.start()));
    stoppers.push(() => Promise.all(pollers.map((p) => p.stop())));

    // Delivery outcomes reach the console through the real topic fan-out, as any subscriber's would.
    const watcher = await watchDeliveryEvents(clients, stack, say.outcome);
    stoppers.push(watcher.stop);
    const unsubscribePush = emulators.directPublishes.onPublish(say.push);
    stoppers.push(async () => unsubscribePush());

    const apis = new Map(resolveRestApis(template).map((api) => [api.logicalId, api]));
    const api = apis.get('EventsApi');
    const inboxApi = apis.get('InboxApi');
    if (!api || !inboxApi) throw new Error('the template has no EventsApi or InboxApi REST API');
    const apiFunctions = Object.fromEntries(resolved.map((fn) => [fn.logicalId, { name: fn.name, handler: narrated(fn), timeoutSeconds: fn.timeoutSeconds }]));
    let gateway: ApiGatewayServer | undefined;
    gateway = await startApiGatewayServer({
      api,
      functions: apiFunctions,
      apiKeys: [apiKey],
      // The admin routes take SigV4 with the emulators' credentials, as the local IAM user `local`.
      iam: { credentials: emulators.credentials, accountId: emulators.accountId, userName: LOCAL_IAM_USER },
      identity,
      port: options.port ?? LOCAL_INGEST_PORT,
      onRequest: (report) => say.request(report),
    });
    stoppers.push(() => gateway!.stop());
    const inboxGateway = await startApiGatewayServer({
      api: inboxApi,
      functions: apiFunctions,
      apiKeys: [],
      identity,
      port: options.inboxPort ?? (options.port === 0 ? 0 : LOCAL_INBOX_PORT),
      onRequest: (report) => say.request(report),
    });
    stoppers.push(() => inboxGateway.stop());

    if (options.writeState) {
      writeLocalState({
        ingestUrl: gateway.url,
        inboxUrl: inboxGateway.url,
        apiKey,
        region: emulators.region,
        endpoints: emulators.endpoints,
        credentials: emulators.credentials,
        resources: Object.fromEntries(Object.values(stack.resources).map((r) => [r.logicalId, { name: r.name, arn: r.arn, ...(r.url ? { url: r.url } : {}) }])),
        pid: process.pid,
      });
    }

    if (options.seedModelFrom && stack.resources.Models) {
      const version = await seedModel(options.seedModelFrom, clients.s3, stack.resources.Models.name);
      if (version) say.info(`recommendation model ${version} from ${options.seedModelFrom} promoted in the Models bucket`);
    }
    const seededCampaigns = options.seedCampaigns === false ? [] : await seedCampaigns(clients, stack, options.seedCampaigns ?? SEED_CAMPAIGNS_DIR, clock);
    if (seededCampaigns.length > 0) say.info(`campaigns active: ${seededCampaigns.join(', ')}`);

    const schedules = resolveSchedules(template);
    const invoke = (fn: ResolvedFunction, input: unknown) =>
      functions[fn.logicalId]!(input, createLambdaContext({ name: fn.name, handler: functions[fn.logicalId]!, timeoutSeconds: fn.timeoutSeconds }, identity));
    const machines = new Map(resolveStateMachines(template, stack).map((machine) => [machine.logicalId, machine]));
    const taskTargets = { functions: new Map(resolved.map((fn) => [fn.arn, (input: unknown) => invoke(fn, input)])), sns: clients.sns };
    let executions = 0;
    const dataRequestMachine = machines.get('DataRequest');
    if (dataRequests && dataRequestMachine) {
      dataRequests.attach((name, input) => {
        const execution = { id: `arn:aws:states:${emulators.region}:${emulators.accountId}:execution:DataRequest:${name}`, name, startTime: clock().toISOString() };
        // Waits (the second sweep's, Personalize's polling) take a second, or none on a test's clock.
        return runStateMachine(dataRequestMachine, taskTargets, { execution, waitMs: options.clock ? 0 : 1_000 }, input);
      });
    }
    const broadcastMachine = machines.get('Broadcast');
    if (broadcastMachine) {
      broadcasts.attach((name, input) => {
        const execution = { id: `arn:aws:states:${emulators.region}:${emulators.accountId}:execution:Broadcast:${name}`, name, startTime: clock().toISOString() };
        // Each wave's Wait takes a second (none on a test's clock); deliver holds every intent until its send time.
        return runStateMachine(broadcastMachine, taskTargets, { execution, waitMs: options.clock ? 0 : 1_000 }, input);
      });
    }
    const runSchedule = async (scheduleLogicalId: string): Promise<unknown> => {
      const schedule = schedules.find((s) => s.logicalId === scheduleLogicalId);
      if (!schedule) throw new Error(`the template has no schedule ${scheduleLogicalId} starting a function or a state machine`);
      let result: unknown;
      if (schedule.target.kind === 'function') {
        // Scheduler's input is ignored by every scheduled handler: an empty object, as the target sends.
        result = await invoke(byId.get(schedule.target.logicalId)!, {});
      } else {
        const machine = machines.get(schedule.target.logicalId)!;
        const name = `local-${++executions}`;
        const execution = { id: `arn:aws:states:${emulators.region}:${emulators.accountId}:execution:${machine.logicalId}:${name}`, name, startTime: clock().toISOString() };
        // Waits take no time when the clock is not the system's: a test moves it, not the wall clock.
        result = await runStateMachine(machine, taskTargets, { execution, ...(options.clock && { waitMs: 0 }) });
      }
      const page = await copyScheduledPage(clients, result);
      if (page) say.info(`${schedule.logicalId}: ${page}`);
      say.scheduled(schedule.logicalId, result);
      return page ? { ...(result as object), file: page } : result;
    };
    if (options.runSchedules) {
      for (const schedule of schedules.filter((s) => s.rateMs !== undefined)) {
        const tick = setInterval(() => {
          runSchedule(schedule.logicalId).catch((error: Error) => stopping || say.info(`${schedule.logicalId} failed: ${error.message}`));
        }, schedule.rateMs);
        stoppers.push(async () => clearInterval(tick));
      }
    }

    return {
      firehosePuts,
      url: gateway.url,
      apiKey,
      inboxUrl: inboxGateway.url,
      inboxSigningSecret,
      emulators,
      stack,
      clients,
      functions,
      settle: async (timeoutMs = 60_000) => {
        // Processing one source can fill another (stream → intents): go round until a pass finds all idle.
        const deadline = performance.now() + timeoutMs;
        for (let pass = 0; pass < 3; pass++) {
          for (const poller of pollers) await poller.drain(Math.max(1, deadline - performance.now()));
        }
        await watcher.idle();
      },
      runSchedule,
      sweepTimers: () => runSchedule('SweepTimersSchedule'),
      runNightlyProfiles: () => runSchedule('NightlyProfilesSchedule'),
      retrainModel: () => runSchedule('RetrainModelSchedule'),
      runBroadcastScheduler: () => runSchedule('BroadcastSchedulerSchedule'),
      broadcasts,
      runRollout: async (campaignId, rolloutOptions = {}) => {
        const machine = machines.get('Rollout');
        const fn = byId.get('RolloutStepFunction');
        if (!machine || !fn) throw new Error('the template has no Rollout state machine');
        const name = `rollout-${campaignId}-${clock().getTime()}-${++executions}`;
        const execution = { id: `arn:aws:states:${emulators.region}:${emulators.accountId}:execution:Rollout:${name}`, name, startTime: clock().toISOString() };
        let stage: { runId: string; stageIndex: number; exposurePercent: number } | undefined;
        const step = async (input: unknown) => {
          const request = input as { step: string };
          if (request.step === 'evaluate' && rolloutOptions.onBake && stage) {
            await rolloutOptions.onBake(stage).catch((error: Error) => {
              say.info(`rollout ${campaignId}: the bake failed: ${error.message}`);
              throw error;
            });
          }
          const output = await invoke(fn, input).catch((error: Error) => {
            say.info(`rollout ${campaignId}: ${request.step} failed: ${error.name}: ${error.message}`);
            throw error;
          });
          if (request.step === 'start-stage') {
            stage = output as typeof stage;
            say.info(`rollout ${campaignId}: stage ${stage!.stageIndex + 1}, exposure ${stage!.exposurePercent}%`);
          }
          if (request.step === 'evaluate') {
            const evaluation = output as { decision: string; reason: string };
            say.info(`rollout ${campaignId}: ${evaluation.decision}: ${evaluation.reason}`);
          }
          return output;
        };
        const targets = { ...taskTargets, functions: new Map([...taskTargets.functions, [fn.arn, step]]) };
        // Waits take no time with onBake (the hook is the bake) or on a test's clock.
        const waitMs = rolloutOptions.onBake || options.clock ? 0 : undefined;
        const input = { campaignId, ...(rolloutOptions.bakeSeconds !== undefined && { bakeSeconds: rolloutOptions.bakeSeconds }) };
        let result: RolloutRunResult;
        try {
          const output = await runStateMachine(machine, targets, { execution, ...(waitMs !== undefined && { waitMs }) }, input);
          result = { outcome: (output as { finished?: { status?: string } }).finished?.status === 'aborted' ? 'Aborted' : 'Completed', output };
        } catch (error) {
          // aws-local-stepfunctions wraps the Fail state's error (its name) in an ExecutionError.
          const failure = ((error as Error).cause ?? error) as Error;
          result = { outcome: failure.name, output: failure.message };
        }
        const reportFile = await copyRolloutReport(clients, stack, campaignId, name);
        if (reportFile) say.info(`rollout ${campaignId}: ${result.outcome}; report: ${reportFile}`);
        return { ...result, ...(reportFile && { reportFile }) };
      },
      seededCampaigns,
      ...(dataRequests && { dataRequests }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** A Firehose delivery stream's Kinesis source as an event source mapping the Kinesis poller can run. */
const firehoseMapping = (stream: ResolvedDeliveryStream, source: DeliverySource & { kind: 'kinesis' }): ResolvedEventSourceMapping => ({
  logicalId: `${stream.logicalId}Source`,
  functionLogicalId: stream.logicalId,
  source,
  enabled: true,
  batchSize: 10_000,
  maximumBatchingWindowInSeconds: 1,
  startingPosition: 'TRIM_HORIZON',
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  parallelizationFactor: 1,
  functionResponseTypes: [],
  reportBatchItemFailures: false,
});

/** Copies a rollout's report from the local Reports bucket to `.local-stack/reports/`, returning the file. */
const copyRolloutReport = async (clients: LocalDependencies, stack: ProvisionedStack, campaignId: string, runId: string): Promise<string | undefined> => {
  const bucket = stack.resources.Reports?.name;
  if (!bucket) return undefined;
  const body = await new S3Objects(clients.s3, bucket).read(`reports/${campaignId}/${runId}.html`);
  if (!body) return undefined;
  const file = join(LOCAL_REPORTS_DIR, `${campaignId}-${runId}.html`);
  mkdirSync(LOCAL_REPORTS_DIR, { recursive: true });
  writeFileSync(file, body);
  return file;
};

/** The seed campaigns npm start activates. */
export const SEED_CAMPAIGNS_DIR = join(__dirname, '../../events/campaigns');

/**
 * What differs from the template locally: campaigns are read on every batch (no cache), so `npm run
 * campaigns -- activate|deactivate` takes effect at once, and a virtual clock never serves stale ones.
 */
const localOverrides = (environment: Readonly<Record<string, string>>, replacements: Readonly<Record<string, string>> = {}): Record<string, string> => ({
  ...('CAMPAIGN_CACHE_TTL_SECONDS' in environment && { CAMPAIGN_CACHE_TTL_SECONDS: '0' }),
  ...Object.fromEntries(Object.entries(replacements).filter(([name]) => name in environment)),
});

/**
 * Copies an HTML page a scheduled function wrote to a local bucket (it returns `location: s3://…`, like
 * the daily review) to `.local-stack/reports/`, returning the file.
 */
const copyScheduledPage = async (clients: LocalDependencies, result: unknown): Promise<string | undefined> => {
  const location = (result as { location?: unknown } | undefined)?.location;
  const match = typeof location === 'string' ? /^s3:\/\/([^/]+)\/(.+\.html)$/.exec(location) : null;
  if (!match) return undefined;
  const body = await new S3Objects(clients.s3, match[1]!).read(match[2]!);
  if (!body) return undefined;
  const file = join(LOCAL_REPORTS_DIR, match[2]!.replaceAll('/', '-'));
  mkdirSync(LOCAL_REPORTS_DIR, { recursive: true });
  writeFileSync(file, body);
  return file;
};

/** Copies the folder's current model into the bucket and promotes it there; undefined when the folder has none. */
const seedModel = async (folder: string, s3: S3Client, bucket: string): Promise<string | undefined> => {
  const local = new LocalModelStore(folder);
  if ((await local.currentVersion()) === undefined) return undefined;
  const model = await local.loadCurrent();
  const store = new S3ModelStore(s3, bucket);
  await store.save(model);
  await store.promote(model.version);
  return model.version;
};

/** Stores and activates every campaign of `dir` (validated first: an invalid file stops the start, naming it). */
const seedCampaigns = async (clients: LocalDependencies, stack: ProvisionedStack, dir: string, clock: Clock): Promise<string[]> => {
  const table = stack.resources.Campaigns;
  if (!table) return [];
  const store = new DynamoCampaignStore(clients.dynamo, table.name);
  const campaigns = loadCampaignFiles(dir);
  for (const campaign of campaigns) {
    const stored = await store.put(campaign, clock());
    await store.setActive(campaign.id, true, clock(), { expectedVersion: stored.version });
  }
  return campaigns.map((c) => c.id);
};

const createFunction = (fn: ResolvedFunction, deps: LocalDependencies): LambdaHandler<any, any> => {
  const factory = fn.entry ? FUNCTION_FACTORIES[fn.entry] : undefined;
  if (!factory) throw new UnknownFunctionEntryError(fn.logicalId, fn.entry);
  return factory(fn.environment, deps);
};

/** Subscribes a console queue to the DeliveryEvents topic and reports each outcome that arrives. */
const watchDeliveryEvents = async (
  clients: LocalDependencies,
  stack: ProvisionedStack,
  report: (outcome: { status: string; userId: string; campaignId: string; reason?: string; channel?: string }) => void,
) => {
  const topic = stack.resources.DeliveryEvents;
  if (!topic) return { stop: async () => undefined, idle: async () => undefined };
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'local-console-delivery-events' }));
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await clients.sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const abort = new AbortController();
  let lastEmptyPoll: () => void = () => undefined;
  let emptyPoll = new Promise<void>((resolve) => (lastEmptyPoll = resolve));
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }), {
          abortSignal: abort.signal,
        });
        for (const message of Messages) report(JSON.parse(message.Body ?? '{}'));
        if (Messages.length > 0) {
          await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
        } else {
          lastEmptyPoll();
          emptyPoll = new Promise<void>((resolve) => (lastEmptyPoll = resolve));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } catch {
        if (!abort.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    /** Resolves after the next poll that found the console queue empty. */
    idle: () => emptyPoll,
    stop: async () => {
      abort.abort();
      lastEmptyPoll();
      await loop;
    },
  };
};
