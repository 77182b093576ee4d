import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { invokeLocalFunction } from '../lambda-runtime/invoke-local-function';
import type { InvocationIdentity, LocalFunction } from '../lambda-runtime/local-function';
import type { ResolvedEventSourceMapping } from '../template/resolve-event-source-mappings';
import { readBatchItemFailures } from './batch-item-failures';
import { IdleTracker } from './idle-tracker';
import { abortableSleep, asError, type BatchReport, type Poller, type PollerTimingOptions } from './poller-types';
import { toSqsRecord } from './sqs-records';

/** The mapping settings an SQS poller honours; a {@link ResolvedEventSourceMapping} of a queue fits. */
export type SqsMappingSettings = Pick<ResolvedEventSourceMapping, 'batchSize' | 'maximumBatchingWindowInSeconds' | 'reportBatchItemFailures'> & {
  readonly source: { readonly name: string; readonly arn: string; readonly url?: string };
};

/** The function an SQS poller invokes. */
export type SqsFunction = LocalFunction<SQSEvent, SQSBatchResponse | void | undefined>;

/** Options of {@link SqsPoller}. */
export interface SqsPollerOptions extends PollerTimingOptions {
  readonly sqs: SQSClient;
  readonly mapping: SqsMappingSettings;
  readonly fn: SqsFunction;
  readonly identity: InvocationIdentity;
  /**
   * Long-poll wait of each ReceiveMessage, in seconds; stop() aborts a wait in progress.
   * 0 polls every `pollIntervalMs` instead. @default 1
   */
  readonly waitTimeSeconds?: number;
  /**
   * Not Lambda's behaviour, a local convenience: failed messages get this visibility timeout instead of
   * the queue's, so they are retried sooner (e.g. 2 s instead of the 3 minutes of a queue set to six
   * times a 30 s function timeout). @default undefined: the queue's visibility timeout applies
   */
  readonly retryVisibilityTimeoutSeconds?: number;
}

/** SQS's limit for ReceiveMessage, DeleteMessageBatch and ChangeMessageVisibilityBatch. */
const SQS_BATCH_LIMIT = 10;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
};

/**
 * Lambda's SQS event source mapping, in-process: receives up to `batchSize` messages (several
 * receives within the batching window for batches over 10), invokes the function with a real
 * `SQSEvent`, then deletes what succeeded. A thrown error (or timeout, or invalid partial response)
 * deletes nothing; with `ReportBatchItemFailures` only the reported messages stay. What stays becomes
 * visible again after the visibility timeout and is received again; fauxqs moves a message to the
 * dead-letter queue of the queue's redrive policy once its receive count passes `maxReceiveCount`, as
 * SQS does, so the poller needs no DLQ logic of its own. One batch at a time.
 */
export class SqsPoller implements Poller {
  readonly #options: SqsPollerOptions;
  readonly #abort = new AbortController();
  readonly #idle: IdleTracker;
  readonly #queueUrl: string;
  #loop: Promise<void> | undefined;

  constructor(options: SqsPollerOptions) {
    this.#options = options;
    if (!options.mapping.source.url) throw new Error(`SqsPoller: queue ${options.mapping.source.name} has no URL`);
    this.#queueUrl = options.mapping.source.url;
    this.#idle = new IdleTracker(`SqsPoller(${options.mapping.source.name} → ${options.fn.name})`);
    this.#idle.addLane(options.mapping.source.name);
  }

  async start(): Promise<void> {
    if (this.#loop) throw new Error('SqsPoller already started');
    this.#loop = this.#poll();
  }

  async stop(): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    this.#idle.cancel('stopped');
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.#options.stopTimeoutMs ?? 5_000).unref());
    await Promise.race([this.#loop, timeout]);
  }

  idle(timeoutMs = 30_000): Promise<void> {
    return this.#idle.waitForIdle(timeoutMs);
  }

  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.idle(Math.max(1, deadline - performance.now()));
      const { Attributes = {} } = await this.#options.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.#queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      const left = Object.values(Attributes).reduce((sum, count) => sum + Number(count), 0);
      if (left === 0) return;
      if (performance.now() > deadline) {
        throw new Error(`SqsPoller(${this.#options.mapping.source.name}) did not drain within ${timeoutMs} ms: ${left} messages left`);
      }
      await abortableSleep(Math.min(100, this.#options.pollIntervalMs ?? 250), this.#abort.signal);
      if (this.#abort.signal.aborted) throw new Error(`SqsPoller(${this.#options.mapping.source.name}) stopped while draining`);
    }
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  #sleep(ms: number): Promise<void> {
    return (this.#options.sleep ?? abortableSleep)(ms, this.#abort.signal);
  }

  #reportError(error: unknown): void {
    if (this.#stopped) return;
    (this.#options.onError ?? ((e: Error) => console.error(`[SqsPoller ${this.#options.mapping.source.name}]`, e.message)))(asError(error));
  }

  #receive(max: number, waitTimeSeconds: number): Promise<Message[]> {
    return this.#options.sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: this.#queueUrl,
          MaxNumberOfMessages: Math.min(SQS_BATCH_LIMIT, max),
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.#abort.signal },
      )
      .then((result) => result.Messages ?? []);
  }

  async #poll(): Promise<void> {
    const { mapping } = this.#options;
    const lane = mapping.source.name;
    const pollIntervalMs = this.#options.pollIntervalMs ?? 250;
    const waitTimeSeconds = this.#options.waitTimeSeconds ?? 1;
    const windowMs = mapping.maximumBatchingWindowInSeconds * 1_000;
    while (!this.#stopped) {
      const tick = this.#idle.beginPoll();
      let batch: Message[];
      try {
        batch = await this.#receive(mapping.batchSize, waitTimeSeconds);
        const windowEnd = performance.now() + windowMs;
        // Batches over 10 messages take several receives, within the batching window.
        while (batch.length > 0 && batch.length < mapping.batchSize && performance.now() < windowEnd && !this.#stopped) {
          const more = await this.#receive(mapping.batchSize - batch.length, 0);
          batch.push(...more);
          if (more.length === 0) await this.#sleep(Math.min(pollIntervalMs, Math.max(0, windowEnd - performance.now())));
        }
      } catch (error) {
        if (this.#stopped) return;
        this.#reportError(error);
        await this.#sleep(pollIntervalMs);
        continue;
      }
      if (batch.length === 0) {
        this.#idle.markEmpty(lane, tick);
        if (waitTimeSeconds === 0) await this.#sleep(pollIntervalMs);
        continue;
      }
      await this.#processBatch(batch);
    }
  }

  async #processBatch(messages: readonly Message[]): Promise<void> {
    const { fn, identity, mapping } = this.#options;
    const started = performance.now();
    const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, { queueArn: mapping.source.arn, region: identity.region })) };
    let failedIds: readonly string[] = [];
    let error: string | undefined;
    try {
      const response = await invokeLocalFunction(fn, event, identity);
      if (mapping.reportBatchItemFailures) {
        const verdict = readBatchItemFailures(response, new Set(messages.map((message) => message.MessageId ?? '')));
        if (verdict.kind === 'partial') failedIds = verdict.failedIds;
        if (verdict.kind === 'invalid') error = `invalid partial batch response: ${verdict.reason}`;
      }
    } catch (caught) {
      error = asError(caught).message;
    }
    const failed = error !== undefined ? messages : messages.filter((message) => failedIds.includes(message.MessageId ?? ''));
    const succeeded = error !== undefined ? [] : messages.filter((message) => !failedIds.includes(message.MessageId ?? ''));
    const attempt = Math.min(...messages.map((message) => Number(message.Attributes?.ApproximateReceiveCount ?? 1)));
    this.#options.onBatch?.({
      source: 'sqs',
      functionName: fn.name,
      sourceName: mapping.source.name,
      recordCount: messages.length,
      firstId: messages[0]?.MessageId ?? '',
      lastId: messages[messages.length - 1]?.MessageId ?? '',
      attempt,
      result: error !== undefined ? 'failed' : failed.length > 0 ? 'partially-failed' : 'succeeded',
      failedItemIds: failed.map((message) => message.MessageId ?? ''),
      ...(error !== undefined && { error }),
      ...(failed.length > 0 && { next: 'redelivery' as const }),
      durationMs: Math.round(performance.now() - started),
    });
    await this.#deleteMessages(succeeded);
    if (this.#options.retryVisibilityTimeoutSeconds !== undefined) await this.#shortenVisibility(failed, this.#options.retryVisibilityTimeoutSeconds);
  }

  async #deleteMessages(messages: readonly Message[]): Promise<void> {
    for (const chunk of chunks(messages, SQS_BATCH_LIMIT)) {
      try {
        const { Failed = [] } = await this.#options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
        if (Failed.length > 0) this.#reportError(new Error(`could not delete ${Failed.length} processed messages: ${Failed[0]?.Message ?? ''}`));
      } catch (error) {
        this.#reportError(error);
      }
    }
  }

  async #shortenVisibility(messages: readonly Message[], seconds: number): Promise<void> {
    for (const chunk of chunks(messages, SQS_BATCH_LIMIT)) {
      try {
        await this.#options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds })),
          }),
        );
      } catch (error) {
        this.#reportError(error);
      }
    }
  }
}
