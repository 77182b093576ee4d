import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineEvent } from '../../layers/core/contract/pipeline-event';
import { SEEN_INSERT_IDS_MAX_BYTES } from '../../layers/core/profile/seen-insert-ids';
import { MAX_MARKS_PER_CAMPAIGN } from '../../layers/core/triggers/trigger-state';
import { startLocalStack } from '../local-stack/local-stack';
import { postEvents } from '../replay/post-batches';
import { countCommands, meterWrites, type WriteMeter } from './count-commands';
import { itemSize, valueSize } from './item-size';

/** DynamoDB write units per event the replay may cost (issue 13; test/e2e/bench-cost.test.ts holds it). */
export const WRITE_UNITS_PER_EVENT_BUDGET = 0.3;

/** The processing time of the replay: the day after the dataset's last invoice. */
export const BENCH_NOW = new Date('2011-12-10T00:00:00Z');

export interface SizeStats {
  mean: number;
  p99: number;
  max: number;
}

/** Profile items as stored at the end of the replay, in bytes by DynamoDB's size rules. */
export interface ProfileSizes {
  items: number;
  item: SizeStats;
  /** `seenInsertIds` (or an older item's `recentInsertIds`): what the profile carries for deduplication. */
  dedup: SizeStats;
  /** `triggers`: what the campaign triggers remember. */
  triggers: SizeStats;
}

export interface PipelineBenchResult {
  accepted: number;
  rejected: number;
  requests: number;
  ingestedMs: number;
  processedMs: number;
  peakRss: number;
  /** Every DynamoDB command, reads included, by name. */
  dynamo: Map<string, number>;
  writes: WriteMeter;
  putRecords: number;
  /** The events archive: PutRecordBatch calls, Firehose records, bytes and bytes billed (5 KB steps per record). */
  archive: { calls: number; records: number; bytes: number; billedBytes: number };
  profiles: ProfileSizes;
}

/**
 * Replays events through the local stack (HTTP → ingest → Kinesis → process-events → DynamoDB, SQS →
 * deliver) with the seed campaigns active, and meters what DynamoDB bills for it (count-commands.ts).
 */
export const benchPipeline = async (events: readonly PipelineEvent[], options: { settleTimeoutMs?: number } = {}): Promise<PipelineBenchResult> => {
  const stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => BENCH_NOW });
  try {
    const dynamo = countCommands(stack.clients.dynamo);
    const writes = meterWrites(stack.clients.dynamo);
    const kinesis = countCommands(stack.clients.kinesis);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const started = Date.now();
    try {
      const sent = await postEvents(events, { endpoint: stack.url, apiKey: stack.apiKey });
      const ingestedMs = Date.now() - started;
      await stack.settle(options.settleTimeoutMs ?? 1_800_000);
      const processedMs = Date.now() - started;
      const profilesTable = Object.values(stack.stack.resources).find((r) => r.logicalId === 'Profiles')!.name;
      return {
        ...sent,
        ingestedMs,
        processedMs,
        peakRss,
        dynamo: new Map(dynamo),
        writes,
        putRecords: kinesis.get('PutRecordsCommand') ?? 0,
        archive: { ...stack.firehosePuts },
        profiles: await profileSizes(stack.clients.dynamo, profilesTable),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await stack.stop();
  }
};

/** Write units per accepted event, all tables together: the figure the budget is about. */
export const writeUnitsPerEvent = (result: Pick<PipelineBenchResult, 'writes' | 'accepted'>): number =>
  [...result.writes.values()].reduce((sum, table) => sum + table.units, 0) / result.accepted;

export const writeRequestsPerEvent = (result: Pick<PipelineBenchResult, 'writes' | 'accepted'>): number =>
  [...result.writes.values()].flatMap((table) => [...table.requests.values()]).reduce((sum, n) => sum + n, 0) / result.accepted;

/** Reads every profile item as stored (marshalled, so sizes follow DynamoDB's rules). */
const profileSizes = async (client: DynamoDBDocumentClient, tableName: string): Promise<ProfileSizes> => {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const sizeOf = (names: string[]) => (item: Record<string, AttributeValue>) =>
    names.reduce((sum, name) => sum + (item[name] ? Buffer.byteLength(name) + valueSize(item[name]) : 0), 0);
  return {
    items: items.length,
    item: stats(items.map(itemSize)),
    dedup: stats(items.map(sizeOf(['recentInsertIds', 'seenInsertIds']))),
    triggers: stats(items.map(sizeOf(['triggers']))),
  };
};

const stats = (values: number[]): SizeStats => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { mean: sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length), p99: at(0.99), max: sorted.at(-1) ?? 0 };
};

/** Prints a result the way `npm run bench` does. */
export const printPipelineBench = (result: PipelineBenchResult): void => {
  const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;
  const perEvent = (n: number) => (n / result.accepted).toFixed(3);
  const bytes = (s: SizeStats) => `mean ${Math.round(s.mean).toLocaleString('en')}, p99 ${s.p99.toLocaleString('en')}, max ${s.max.toLocaleString('en')} bytes`;
  console.log(`replay:               ${result.accepted} accepted, ${result.rejected} rejected in ${result.requests} requests`);
  console.log(`ingest throughput:    ${Math.round(result.accepted / (result.ingestedMs / 1000)).toLocaleString('en')} events/s into the stream (HTTP → ingest → kinesalite)`);
  console.log(`end to end:           ${Math.round(result.accepted / (result.processedMs / 1000)).toLocaleString('en')} events/s until every profile and intent was processed (${(result.processedMs / 1000).toFixed(1)} s)`);
  console.log(`DynamoDB write units: ${writeUnitsPerEvent(result).toFixed(3)} per event   [budget ≤ ${WRITE_UNITS_PER_EVENT_BUDGET}]   (ConsumedCapacity of DynamoDB Local; failed conditions sized from the stored item)`);
  console.log(`DynamoDB writes:      ${writeRequestsPerEvent(result).toFixed(3)} requests per event`);
  for (const [table, writes] of [...result.writes].sort(([a], [b]) => a.localeCompare(b))) {
    const requests = [...writes.requests.values()].reduce((sum, n) => sum + n, 0);
    const detail = [...writes.requests].map(([name, n]) => `${name} ${n}`).join(', ');
    const failed = writes.failedConditions > 0 ? `, ${writes.failedConditions} failed conditions` : '';
    console.log(`  ${table.padEnd(40)} ${perEvent(writes.units)} units, ${perEvent(requests)} requests per event (${writes.units} units; ${detail}${failed})`);
  }
  if (result.writes.unmeasured > 0) console.log(`  (${result.writes.unmeasured} writes came back without ConsumedCapacity: not counted in units)`);
  console.log(`DynamoDB, all calls:  ${[...result.dynamo].map(([n, c]) => `${n.replace('Command', '')} ${c}`).join(', ')}`);
  console.log(`profile items:        ${result.profiles.items} items, ${bytes(result.profiles.item)}`);
  console.log(`  deduplication:      ${bytes(result.profiles.dedup)}   [bound ${(SEEN_INSERT_IDS_MAX_BYTES + 'seenInsertIds'.length).toLocaleString('en')}]`);
  console.log(`  trigger state:      ${bytes(result.profiles.triggers)}   [bound: ${MAX_MARKS_PER_CAMPAIGN} starts + ${MAX_MARKS_PER_CAMPAIGN} completions per timer campaign]`);
  console.log(`PutRecords calls:     ${result.putRecords} = ${((result.putRecords / result.accepted) * 1000).toFixed(2)} per 1,000 events`);
  const { archive } = result;
  console.log(
    `Archive (Firehose):   ${archive.calls} PutRecordBatch calls, ${archive.records} records = ${((archive.calls / result.accepted) * 1000).toFixed(2)} calls per 1,000 events; ` +
      `${(archive.bytes / result.accepted).toFixed(0)} bytes and ${(archive.billedBytes / result.accepted).toFixed(0)} bytes billed per event (5 KB steps per record)`,
  );
  console.log(`peak memory (RSS):    ${mib(result.peakRss)} for this process (local stack, handlers and replay; emulators run in their own processes)`);
};
