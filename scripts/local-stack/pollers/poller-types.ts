/** Waits `ms`, or less if `signal` aborts (then it resolves; it never rejects). Injectable for tests. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** What happened to one invocation of a batch, for the console narrative and for tests. */
export interface BatchReport {
  readonly source: 'kinesis' | 'sqs';
  readonly functionName: string;
  /** Stream or queue name. */
  readonly sourceName: string;
  /** Kinesis only. */
  readonly shardId?: string;
  readonly recordCount: number;
  /** Sequence numbers (Kinesis) or message ids (SQS) of the first and last record. */
  readonly firstId: string;
  readonly lastId: string;
  /** 1 for the first invocation of these records, 2 for the first retry... */
  readonly attempt: number;
  /** `expired`: Kinesis records past MaximumRecordAgeInSeconds, not invoked. */
  readonly result: 'succeeded' | 'partially-failed' | 'failed' | 'expired';
  /** Item identifiers the function reported as failed. */
  readonly failedItemIds: readonly string[];
  /** The function's error message, for `failed`. */
  readonly error?: string;
  /**
   * What the poller does next with the failed records: retry them (from the checkpoint), split the
   * batch, send their description to the on-failure destination, drop them (no destination), or
   * (SQS) leave them to reappear after the visibility timeout.
   */
  readonly next?: 'retry' | 'bisect' | 'on-failure' | 'discard' | 'redelivery';
  readonly durationMs: number;
}

/** Options every poller takes. */
export interface PollerTimingOptions {
  /** Pause between polls that found nothing. @default 250 */
  readonly pollIntervalMs?: number;
  /** @default a setTimeout that an abort ends early */
  readonly sleep?: Sleep;
  /** Called after every invocation. Must not throw. */
  readonly onBatch?: (report: BatchReport) => void;
  /** Called when polling or deleting fails (the poller carries on). @default console.error */
  readonly onError?: (error: Error) => void;
  /** How long stop() waits for a batch that is being processed. @default 5000 */
  readonly stopTimeoutMs?: number;
}

/** A running poller. */
export interface Poller {
  /** Starts polling; resolves once the starting positions are taken (records put after that are seen). */
  start(): Promise<void>;
  /** Stops polling; waits at most `stopTimeoutMs` for a batch in progress. */
  stop(): Promise<void>;
  /**
   * Resolves once the poller has caught up: a poll that began after this call found nothing new, and
   * no batch is being processed. Rejects after `timeoutMs` (default 30 s) or if the poller stops.
   */
  idle(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once everything currently in the source has been processed. For Kinesis the same as
   * {@link Poller.idle} (retries happen before the next poll). For SQS it also waits for messages that
   * are in flight (failed and waiting out their visibility timeout) to come back and be handled, or
   * be moved to the dead-letter queue.
   */
  drain(timeoutMs?: number): Promise<void>;
}

/** The default {@link Sleep}. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Lambda retries a failing stream batch with growing pauses; locally short: 100 ms doubling to 1 s. */
export const defaultRetryDelayMs = (retry: number): number => Math.min(100 * 2 ** Math.max(0, retry - 1), 1_000);

/** `error` as an Error. */
export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
