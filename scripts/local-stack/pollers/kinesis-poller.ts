import { randomUUID } from 'node:crypto';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type _Record as KinesisApiRecord,
  type KinesisClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { invokeLocalFunction } from '../lambda-runtime/invoke-local-function';
import type { InvocationIdentity, LocalFunction } from '../lambda-runtime/local-function';
import type { ResolvedEventSourceMapping } from '../template/resolve-event-source-mappings';
import { readBatchItemFailures } from './batch-item-failures';
import { IdleTracker } from './idle-tracker';
import { toKinesisStreamRecord } from './kinesis-records';
import { createDestinationSender, type DestinationClients, type DestinationSender } from './on-failure-destination';
import { abortableSleep, asError, defaultRetryDelayMs, type BatchReport, type Poller, type PollerTimingOptions } from './poller-types';

/** The mapping settings a Kinesis poller honours; a {@link ResolvedEventSourceMapping} of a stream fits. */
export type KinesisMappingSettings = Pick<
  ResolvedEventSourceMapping,
  | 'batchSize'
  | 'maximumBatchingWindowInSeconds'
  | 'bisectBatchOnFunctionError'
  | 'maximumRetryAttempts'
  | 'maximumRecordAgeInSeconds'
  | 'reportBatchItemFailures'
  | 'onFailure'
  | 'startingPositionTimestamp'
> & {
  readonly source: { readonly name: string; readonly arn: string };
  readonly startingPosition?: ResolvedEventSourceMapping['startingPosition'];
};

/** The function a Kinesis poller invokes. */
export type KinesisFunction = LocalFunction<KinesisStreamEvent, KinesisStreamBatchResponse | void | undefined>;

/** Options of {@link KinesisPoller}. */
export interface KinesisPollerOptions extends PollerTimingOptions {
  readonly kinesis: KinesisClient;
  readonly mapping: KinesisMappingSettings;
  readonly fn: KinesisFunction;
  readonly identity: InvocationIdentity;
  /** Needed when the mapping has an on-failure destination. */
  readonly destinations?: DestinationClients;
  /** Pause before retry n (1-based) of a failed batch. @default 100 ms doubling to 1 s */
  readonly retryDelayMs?: (retry: number) => number;
  readonly now?: () => number;
}

/** A run of consecutive records of one shard and how many retries it has used. */
interface Slice {
  readonly records: readonly KinesisApiRecord[];
  readonly retries: number;
}

type SliceOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIds: readonly string[]; readonly checkpoint: number }
  | { readonly kind: 'error'; readonly error: string };

/** Bytes per GetRecords call are not limited locally; the record count is, as in Kinesis. */
const MAX_GET_RECORDS = 10_000;

/**
 * Lambda's Kinesis event source mapping, in-process: polls every shard of the stream from
 * TRIM_HORIZON, LATEST or AT_TIMESTAMP, gathers up to `batchSize` records (waiting up to the batching
 * window for a fuller batch) and invokes the function with a real `KinesisStreamEvent`, one batch per
 * shard at a time, in order.
 *
 * Failures follow Lambda: a thrown error (or an invalid partial response, or a timeout) fails the
 * batch; with `bisectBatchOnFunctionError` it is split in two and each half retried (splitting does
 * not use up retries; a single record that fails does). With `ReportBatchItemFailures`, Lambda
 * checkpoints before the lowest failed sequence number and retries from there. After
 * `maximumRetryAttempts` retries (-1: no limit) — or for records older than
 * `maximumRecordAgeInSeconds` — the records are skipped and, if the mapping has an on-failure
 * destination, Lambda's on-failure record (`KinesisBatchInfo`) is sent to it.
 *
 * Not emulated: checkpoints surviving a restart (a new poller starts from its starting position
 * again), resharding after start, ParallelizationFactor > 1, tumbling windows, filter criteria.
 */
export class KinesisPoller implements Poller {
  readonly #options: KinesisPollerOptions;
  readonly #abort = new AbortController();
  readonly #idle: IdleTracker;
  readonly #sendOnFailure: DestinationSender | undefined;
  #loops: Promise<void>[] = [];
  #started = false;

  constructor(options: KinesisPollerOptions) {
    this.#options = options;
    this.#idle = new IdleTracker(`KinesisPoller(${options.mapping.source.name} → ${options.fn.name})`);
    this.#sendOnFailure = options.mapping.onFailure ? createDestinationSender(options.mapping.onFailure, options.destinations ?? {}) : undefined;
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('KinesisPoller already started');
    this.#started = true;
    const shards = await this.#listShards();
    const iterators = await Promise.all(shards.map((shard) => this.#startingIterator(shard.ShardId ?? '')));
    shards.forEach((shard, index) => {
      const shardId = shard.ShardId ?? '';
      this.#idle.addLane(shardId);
      this.#loops.push(this.#pollShard(shardId, iterators[index]));
    });
  }

  async stop(): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    this.#idle.cancel('stopped');
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.#options.stopTimeoutMs ?? 5_000).unref());
    await Promise.race([Promise.allSettled(this.#loops), timeout]);
  }

  idle(timeoutMs = 30_000): Promise<void> {
    return this.#idle.waitForIdle(timeoutMs);
  }

  drain(timeoutMs = 30_000): Promise<void> {
    return this.idle(timeoutMs);
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  #sleep(ms: number): Promise<void> {
    return (this.#options.sleep ?? abortableSleep)(ms, this.#abort.signal);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #reportError(error: unknown): void {
    if (this.#stopped) return;
    (this.#options.onError ?? ((e: Error) => console.error(`[KinesisPoller ${this.#options.mapping.source.name}]`, e.message)))(asError(error));
  }

  async #listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#options.kinesis.send(
        new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: this.#options.mapping.source.name }),
        { abortSignal: this.#abort.signal },
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  }

  async #startingIterator(shardId: string, afterSequenceNumber?: string): Promise<string | undefined> {
    const { mapping } = this.#options;
    const type: ShardIteratorType = afterSequenceNumber ? 'AFTER_SEQUENCE_NUMBER' : (mapping.startingPosition ?? 'LATEST');
    const { ShardIterator } = await this.#options.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: mapping.source.name,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(afterSequenceNumber && { StartingSequenceNumber: afterSequenceNumber }),
        ...(type === 'AT_TIMESTAMP' && { Timestamp: new Date((mapping.startingPositionTimestamp ?? 0) * 1_000) }),
      }),
      { abortSignal: this.#abort.signal },
    );
    return ShardIterator;
  }

  async #pollShard(shardId: string, firstIterator: string | undefined): Promise<void> {
    const { mapping } = this.#options;
    const pollIntervalMs = this.#options.pollIntervalMs ?? 250;
    const windowMs = mapping.maximumBatchingWindowInSeconds * 1_000;
    let iterator = firstIterator;
    let lastFetched: string | undefined;
    let buffered: KinesisApiRecord[] = [];
    let bufferedSince = 0;

    while (!this.#stopped) {
      if (!iterator && buffered.length === 0) {
        // A closed shard (after a split or merge) has no more records.
        this.#idle.markClosed(shardId);
        return;
      }
      const tick = this.#idle.beginPoll();
      if (iterator) {
        try {
          const page = await this.#options.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(MAX_GET_RECORDS, mapping.batchSize) }), {
            abortSignal: this.#abort.signal,
          });
          iterator = page.NextShardIterator;
          const records = page.Records ?? [];
          if (records.length > 0) {
            if (buffered.length === 0) bufferedSince = this.#now();
            buffered.push(...records);
            lastFetched = records[records.length - 1]?.SequenceNumber;
          }
        } catch (error) {
          if (this.#stopped) return;
          if (error instanceof ExpiredIteratorException) {
            iterator = await this.#startingIterator(shardId, lastFetched).catch(() => iterator);
          } else {
            this.#reportError(error);
          }
          await this.#sleep(pollIntervalMs);
          continue;
        }
      }
      if (buffered.length === 0) {
        this.#idle.markEmpty(shardId, tick);
        await this.#sleep(pollIntervalMs);
        continue;
      }
      const windowLeft = bufferedSince + windowMs - this.#now();
      if (iterator && buffered.length < mapping.batchSize && windowLeft > 0) {
        await this.#sleep(Math.min(pollIntervalMs, windowLeft));
        continue;
      }
      const batch = buffered.slice(0, mapping.batchSize);
      buffered = buffered.slice(mapping.batchSize);
      bufferedSince = this.#now();
      await this.#processBatch(shardId, batch);
    }
  }

  /** Runs one batch to completion: success, or retries, bisection and the on-failure destination. */
  async #processBatch(shardId: string, records: readonly KinesisApiRecord[]): Promise<void> {
    const { mapping } = this.#options;
    const canRetry = (retries: number): boolean => mapping.maximumRetryAttempts < 0 || retries < mapping.maximumRetryAttempts;
    const work: Slice[] = [{ records, retries: 0 }];
    while (work.length > 0 && !this.#stopped) {
      const slice = work.shift() as Slice;
      const { fresh, expired } = this.#splitExpired(slice.records);
      if (expired.length > 0) await this.#giveUp(shardId, expired, slice.retries, 'RecordAgeExceeded', 'expired');
      if (fresh.length === 0) continue;

      const started = this.#now();
      const outcome = await this.#invoke(shardId, fresh);
      const report = (result: BatchReport['result'], next?: BatchReport['next'], failedIds: readonly string[] = [], error?: string): void =>
        this.#report({ shardId, records: fresh, attempt: slice.retries + 1, result, next, failedIds, error, durationMs: this.#now() - started });

      if (outcome.kind === 'success') {
        report('succeeded');
        continue;
      }
      if (outcome.kind === 'partial') {
        // Lambda's checkpoint: everything before the lowest failed sequence number is done.
        const remaining = fresh.slice(outcome.checkpoint);
        if (canRetry(slice.retries)) {
          report('partially-failed', 'retry', outcome.failedIds);
          await this.#sleep((this.#options.retryDelayMs ?? defaultRetryDelayMs)(slice.retries + 1));
          work.unshift({ records: remaining, retries: slice.retries + 1 });
        } else {
          report('partially-failed', this.#sendOnFailure ? 'on-failure' : 'discard', outcome.failedIds);
          await this.#giveUp(shardId, remaining, slice.retries, 'RetryAttemptsExhausted');
        }
        continue;
      }
      if (mapping.bisectBatchOnFunctionError && fresh.length > 1) {
        report('failed', 'bisect', [], outcome.error);
        const half = Math.ceil(fresh.length / 2);
        work.unshift({ records: fresh.slice(0, half), retries: slice.retries }, { records: fresh.slice(half), retries: slice.retries });
      } else if (canRetry(slice.retries)) {
        report('failed', 'retry', [], outcome.error);
        await this.#sleep((this.#options.retryDelayMs ?? defaultRetryDelayMs)(slice.retries + 1));
        work.unshift({ records: fresh, retries: slice.retries + 1 });
      } else {
        report('failed', this.#sendOnFailure ? 'on-failure' : 'discard', [], outcome.error);
        await this.#giveUp(shardId, fresh, slice.retries, 'RetryAttemptsExhausted');
      }
    }
  }

  #splitExpired(records: readonly KinesisApiRecord[]): { fresh: readonly KinesisApiRecord[]; expired: readonly KinesisApiRecord[] } {
    const maxAgeSeconds = this.#options.mapping.maximumRecordAgeInSeconds;
    if (maxAgeSeconds < 0) return { fresh: records, expired: [] };
    const oldest = this.#now() - maxAgeSeconds * 1_000;
    const isExpired = (record: KinesisApiRecord): boolean => (record.ApproximateArrivalTimestamp?.getTime() ?? Infinity) < oldest;
    return { fresh: records.filter((record) => !isExpired(record)), expired: records.filter(isExpired) };
  }

  async #invoke(shardId: string, records: readonly KinesisApiRecord[]): Promise<SliceOutcome> {
    const { fn, identity, mapping } = this.#options;
    const origin = {
      streamArn: mapping.source.arn,
      shardId,
      region: identity.region,
      invokeIdentityArn: `arn:aws:iam::${identity.accountId}:role/${fn.name}-role`,
    };
    const event: KinesisStreamEvent = { Records: records.map((record) => toKinesisStreamRecord(record, origin)) };
    let response: unknown;
    try {
      response = await invokeLocalFunction(fn, event, identity);
    } catch (error) {
      return { kind: 'error', error: asError(error).message };
    }
    if (!mapping.reportBatchItemFailures) return { kind: 'success' };
    const sequenceNumbers = records.map((record) => record.SequenceNumber ?? '');
    const verdict = readBatchItemFailures(response, new Set(sequenceNumbers));
    if (verdict.kind === 'success') return verdict;
    if (verdict.kind === 'invalid') return { kind: 'error', error: `invalid partial batch response: ${verdict.reason}` };
    const checkpoint = Math.min(...verdict.failedIds.map((id) => sequenceNumbers.indexOf(id)));
    return { kind: 'partial', failedIds: verdict.failedIds, checkpoint };
  }

  /** Skips records; with an on-failure destination, first tells it which ones, as Lambda does. */
  async #giveUp(shardId: string, records: readonly KinesisApiRecord[], retries: number, condition: string, result?: 'expired'): Promise<void> {
    if (result === 'expired') {
      this.#report({ shardId, records, attempt: retries + 1, result, next: this.#sendOnFailure ? 'on-failure' : 'discard', failedIds: [], durationMs: 0 });
    }
    if (!this.#sendOnFailure) return;
    const { fn, identity, mapping } = this.#options;
    const first = records[0];
    const last = records[records.length - 1];
    const payload = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${fn.name}`,
        condition,
        approximateInvokeCount: condition === 'RecordAgeExceeded' ? retries : retries + 1,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date(this.#now()).toISOString(),
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first?.SequenceNumber,
        endSequenceNumber: last?.SequenceNumber,
        approximateArrivalOfFirstRecord: first?.ApproximateArrivalTimestamp?.toISOString(),
        approximateArrivalOfLastRecord: last?.ApproximateArrivalTimestamp?.toISOString(),
        batchSize: records.length,
        streamArn: mapping.source.arn,
      },
    };
    try {
      await this.#sendOnFailure(payload);
    } catch (error) {
      this.#reportError(new Error(`could not send the on-failure record of ${records.length} records of ${shardId}: ${asError(error).message}`));
    }
  }

  #report(details: {
    shardId: string;
    records: readonly KinesisApiRecord[];
    attempt: number;
    result: BatchReport['result'];
    next?: BatchReport['next'];
    failedIds: readonly string[];
    error?: string;
    durationMs: number;
  }): void {
    this.#options.onBatch?.({
      source: 'kinesis',
      functionName: this.#options.fn.name,
      sourceName: this.#options.mapping.source.name,
      shardId: details.shardId,
      recordCount: details.records.length,
      firstId: details.records[0]?.SequenceNumber ?? '',
      lastId: details.records[details.records.length - 1]?.SequenceNumber ?? '',
      attempt: details.attempt,
      result: details.result,
      failedItemIds: details.failedIds,
      ...(details.error !== undefined && { error: details.error }),
      ...(details.next !== undefined && { next: details.next }),
      durationMs: details.durationMs,
    });
  }
}
