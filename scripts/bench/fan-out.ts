/**
 * npm run bench:fanout [-- --profiles 100000 --segments 8]
 *
 * A broadcast's fan-out over synthetic profiles on the emulators (DynamoDB Local, s3rver, fauxqs), with
 * the real adapters and the Broadcast state machine's steps in its order and parallelism: plan, collect
 * every scan segment at once, order the waves, send every wave's segments at once, finish. Prints the
 * time of each phase, the requests per recipient, and a model of 10 M and 100 M recipients in AWS with
 * its assumptions (the emulators are not AWS: the counts carry over, the times do not).
 */
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBroadcastRuns } from '../../layers/adapters/dynamo-broadcast-runs';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { S3BroadcastRecipients } from '../../layers/adapters/s3-broadcast-recipients';
import { S3Objects } from '../../layers/adapters/s3-objects';
import { SqsIntentQueue } from '../../layers/adapters/sqs-intent-queue';
import { collectSegment, finishBroadcast, orderWaves, planBroadcast, sendWave, type BroadcastStepDeps } from '../../layers/core/broadcasts/broadcast-steps';
import type { Campaign } from '../../layers/core/campaigns/campaign';
import { emptyProfile, type Profile } from '../../layers/core/profile/profile';
import { rememberInsertIds } from '../../layers/core/profile/seen-insert-ids';
import { startDynamoDbLocal } from '../local-stack/emulators/dynamodb-local';
import { LOCAL_CREDENTIALS } from '../local-stack/emulators/emulator';
import { startFauxqs } from '../local-stack/emulators/fauxqs-emulator';
import { startS3rver } from '../local-stack/emulators/s3rver-emulator';
import { countCommands } from './count-commands';

const REGION = 'us-east-1';
const ZONES = ['Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo'];
/** AWS figures the model uses; each is a documented default or a conservative measured rule of thumb. */
const AWS = {
  /** An on-demand table's default read throughput quota (read request units a second). */
  tableReadUnitsPerSecond: 40_000,
  /** Bytes one eventually consistent read unit covers in a Scan (half a unit per 4 KB). */
  bytesPerReadUnit: 8_192,
  /** A Scan worker's throughput: a 1 MB page in about 100 ms. */
  scanBytesPerWorkerSecond: 10 * 1024 * 1024,
  /** SendMessageBatch calls a worker completes a second with 10 in flight at about 20 ms each. */
  batchesPerWorkerSecond: 500,
  /** The account's send rate (the goal of issue 16, what Pinpoint allowed): deliver's limiter holds it. */
  sendsPerSecond: 20_000,
};

const main = async () => {
  const { values } = parseArgs({ options: { profiles: { type: 'string', default: '100000' }, segments: { type: 'string', default: '8' } } });
  const [count, segments] = [Number(values.profiles), Number(values.segments)];
  const identity = { region: REGION, accountId: '000000000000' };
  const [dynamoLocal, s3rver, fauxqs] = await Promise.all([startDynamoDbLocal(), startS3rver(), startFauxqs(identity)]);
  const config = (endpoint: string) => ({ endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  const dynamo = new DynamoDBClient(config(dynamoLocal.endpoint));
  const s3 = new S3Client({ ...config(s3rver.endpoint), forcePathStyle: true });
  const sqs = new SQSClient(config(fauxqs.endpoint));
  try {
    const document = DynamoDBDocumentClient.from(dynamo);
    await createStores(dynamo, s3);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'Intents' }));
    const loaded = await loadProfiles(document, count);
    console.log(`loaded ${count.toLocaleString('en')} profiles in ${loaded.seconds.toFixed(1)} s (${Math.round(loaded.bytesPerItem)} bytes each, as DynamoDB sizes them roughly)`);

    const counts = [countCommands(document), countCommands(s3), countCommands(sqs)];
    const campaign = broadcastCampaign();
    const profiles = new DynamoProfileStore(document, 'Profiles');
    const deps: BroadcastStepDeps = {
      campaigns: { active: async () => [campaign] },
      runs: new DynamoBroadcastRuns(document, 'Experiments'),
      recipients: new S3BroadcastRecipients(new S3Objects(s3, 'reports')),
      intents: new SqsIntentQueue(sqs, QueueUrl!),
      scanSegment: (segment, total) => profiles.scanSegment(segment, total),
      // The fan-out's start for Friday 10:00 local: every zone is still ahead.
      now: () => new Date('2030-01-03T19:45:00.000Z'),
    };
    const ref = { campaignId: campaign.id, occurrence: '2030-01-04T10:00' };
    const t0 = performance.now();
    const plan = await planBroadcast(deps, { ...ref, totalSegments: segments });
    const collected = await Promise.all(plan.segments.map((segment) => collectSegment(deps, { ...ref, segment, totalSegments: segments })));
    const t1 = performance.now();
    const ordered = await orderWaves(deps, { ...ref, segments: plan.segments, collected });
    for (const wave of ordered.waves) await Promise.all(plan.segments.map((segment) => sendWave(deps, { ...ref, segment, wave: wave.at })));
    await finishBroadcast(deps, ref);
    const t2 = performance.now();
    // The fan-out's own requests only, before the bench reads what it did.
    const fanOut = counts.map((c) => new Map(c));
    const run = await deps.runs.get(ref.campaignId, ref.occurrence);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    report({ count, segments, recipients: run!.recipients, queued: Number(Attributes?.ApproximateNumberOfMessages), waves: ordered.waves.length, collectSeconds: (t1 - t0) / 1000, sendSeconds: (t2 - t1) / 1000, counts: fanOut, bytesPerItem: loaded.bytesPerItem });
  } finally {
    for (const client of [dynamo, s3, sqs]) client.destroy();
    await Promise.allSettled([dynamoLocal.stop(), s3rver.stop(), fauxqs.stop()]);
  }
};

const broadcastCampaign = (): Campaign => ({
  id: 'bench-friday',
  name: 'Friday deals (bench)',
  category: 'marketing',
  trigger: { schedule: { cron: '0 10 * * FRI' } },
  audience: { consentGranted: ['push'] },
  content: [{ name: 'default', title: 'Friday deals', body: 'This week only.', recommendations: 0 }],
  channels: ['push'],
  caps: { oncePerMs: 86_400_000 },
});

const createStores = async (dynamo: DynamoDBClient, s3: S3Client) => {
  const table = (name: string, keys: [string, string?]) =>
    dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.filter((k): k is string => k !== undefined).map((k) => ({ AttributeName: k, AttributeType: 'S' })),
        KeySchema: [{ AttributeName: keys[0], KeyType: 'HASH' }, ...(keys[1] ? [{ AttributeName: keys[1], KeyType: 'RANGE' as const }] : [])],
      }),
    );
  await Promise.all([table('Profiles', ['userId']), table('Experiments', ['pk', 'sk']), s3.send(new CreateBucketCommand({ Bucket: 'reports' }))]);
};

/** A profile of the size real ones have: traits, consent, counters, a few days of activity, a full-ish dedup window. */
const syntheticProfile = (i: number): Profile => ({
  ...emptyProfile(`user-${String(i).padStart(8, '0')}`),
  version: 3,
  timeZone: ZONES[i % ZONES.length],
  traits: { region: i % 3 === 0 ? 'EU' : 'US', memberLevel: ['bronze', 'silver', 'gold'][i % 3], ageBand: '25-34' },
  consent: { push: { granted: i % 10 !== 0, at: '2029-12-01T10:00:00.000Z', source: 'identify' }, tracking: { granted: true, at: '2029-12-01T10:00:00.000Z', source: 'consent-banner' } },
  counters: { app_open: 12, product_view: 30, add_to_cart: 4, purchase: 2 },
  activityDays: { '2029-12-28': 4, '2029-12-30': 7, '2030-01-02': 3 },
  categoryScores: { kitchen: 14, garden: 5 },
  spend: { GBP: 42.5 },
  tags: ['active', 'high-intent'],
  lifecycleStage: 'stable',
  seenInsertIds: rememberInsertIds(new Uint8Array(0), Array.from({ length: 200 }, (_, k) => `evt-${i}-${k}`)),
});

const loadProfiles = async (document: DynamoDBDocumentClient, count: number) => {
  const started = performance.now();
  const sample = syntheticProfile(0);
  const bytesPerItem = JSON.stringify({ ...sample, seenInsertIds: undefined }).length + sample.seenInsertIds.length;
  const BATCH = 25;
  const IN_FLIGHT = 16;
  for (let start = 0; start < count; start += BATCH * IN_FLIGHT) {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, b) => {
        const from = start + b * BATCH;
        const items = Array.from({ length: Math.max(0, Math.min(BATCH, count - from)) }, (_, k) => syntheticProfile(from + k));
        if (items.length === 0) return;
        let pending = items.map((Item) => ({ PutRequest: { Item: JSON.parse(JSON.stringify({ ...Item, seenInsertIds: undefined })) as Record<string, unknown> } }));
        pending = pending.map((request, k) => ({ PutRequest: { Item: { ...request.PutRequest.Item, seenInsertIds: items[k]!.seenInsertIds } } }));
        while (pending.length > 0) {
          const { UnprocessedItems } = await document.send(new BatchWriteCommand({ RequestItems: { Profiles: pending } }));
          pending = (UnprocessedItems?.Profiles ?? []) as typeof pending;
        }
      }),
    );
  }
  return { seconds: (performance.now() - started) / 1000, bytesPerItem };
};

const report = (r: { count: number; segments: number; recipients: number; queued: number; waves: number; collectSeconds: number; sendSeconds: number; counts: Map<string, number>[]; bytesPerItem: number }) => {
  const all = new Map<string, number>();
  for (const counts of r.counts) for (const [name, n] of counts) all.set(name, (all.get(name) ?? 0) + n);
  const total = [...all.values()].reduce((a, b) => a + b, 0);
  const per = (n: number) => (n / r.recipients).toFixed(4);
  console.log(`fan-out of ${r.count.toLocaleString('en')} profiles over ${r.segments} scan segments: ${r.recipients.toLocaleString('en')} recipients in ${r.waves} waves (${r.queued.toLocaleString('en')} intents on the queue)`);
  console.log(`  collect (scan, plan waves, write lists): ${r.collectSeconds.toFixed(1)} s, ${Math.round(r.count / r.collectSeconds).toLocaleString('en')} profiles/s on this machine`);
  console.log(`  send (read lists, enqueue intents):      ${r.sendSeconds.toFixed(1)} s, ${Math.round(r.recipients / r.sendSeconds).toLocaleString('en')} intents/s on this machine`);
  console.log(`  requests per recipient: ${per(total)} (${[...all.entries()].sort().map(([name, n]) => `${name.replace(/Command$/, '')} ${per(n)}`).join(', ')})`);
  const readUnitsPerProfile = r.bytesPerItem / AWS.bytesPerReadUnit;
  console.log(`  scan read units per profile: ${readUnitsPerProfile.toFixed(3)} (eventually consistent, ${Math.round(r.bytesPerItem)} bytes)`);
  console.log('model of AWS (assumptions: on-demand table at its default 40,000 read units/s; a Scan worker reads 10 MB/s; a worker enqueues 500 batches of 10 a second;');
  console.log(`  deliver sends at the account's 20,000 a second; ${r.segments === 0 ? '' : 'recipients are '}${((r.recipients / r.count) * 100).toFixed(0)}% of profiles as here; the scan overlaps the 15-minute lead before the first wave)`);
  for (const recipients of [10_000_000, 100_000_000]) {
    const profiles = recipients / (r.recipients / r.count);
    const workers = recipients >= 50_000_000 ? 256 : 64;
    const scanBytesPerSecond = Math.min(workers * AWS.scanBytesPerWorkerSecond, AWS.tableReadUnitsPerSecond * AWS.bytesPerReadUnit);
    const scanSeconds = (profiles * r.bytesPerItem) / scanBytesPerSecond;
    const enqueueSeconds = recipients / (workers * AWS.batchesPerWorkerSecond * 10);
    const deliverSeconds = recipients / AWS.sendsPerSecond;
    console.log(
      `  ${(recipients / 1e6).toFixed(0)} M recipients, ${workers} segments: collect ${minutes(scanSeconds)}, enqueue ${minutes(enqueueSeconds)}, delivery at the rate limit ${minutes(deliverSeconds)} → ${minutes(Math.max(enqueueSeconds, deliverSeconds))} from the first send to the last (all in one wave; a local-time broadcast spreads them over its zones' waves)`,
    );
  }
};

const minutes = (seconds: number) => (seconds < 120 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
