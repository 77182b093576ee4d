import { backOff } from 'exponential-backoff';
import { chunkByLimits } from '../../layers/core/chunk-by-limits';
import type { PipelineEvent } from '../../layers/core/contract/pipeline-event';

/** The endpoint's limits (README, "The event contract"). */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;

export interface PostOptions {
  endpoint: string;
  apiKey: string;
  /** Events per second to aim for; 0 = as fast as the endpoint takes them. */
  rate?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  onProgress?: (sent: number) => void;
}

export interface PostSummary {
  events: number;
  requests: number;
  accepted: number;
  rejected: number;
  retries: number;
  elapsedMs: number;
}

/** Splits events into request bodies within both the count and the byte limit. */
export const toBatches = (events: readonly PipelineEvent[]): PipelineEvent[][] =>
  chunkByLimits(events, {
    maxCount: MAX_EVENTS_PER_BATCH,
    maxBytes: MAX_BATCH_BYTES,
    // `{"events":[…]}` around the events, and a comma between them.
    overheadBytes: 16,
    sizeOf: (event) => Buffer.byteLength(JSON.stringify(event)) + 1,
  });

class Retryable extends Error {}

const isConsent = (event: PipelineEvent): boolean => event.type === 'consent';

/**
 * Posts events in batches like a well-behaved app: throttling (429) and unavailability (503, network)
 * are retried with jittered backoff, which insertIds make safe; any other failure stops the replay.
 */
export const postEvents = async (events: readonly PipelineEvent[], options: PostOptions): Promise<PostSummary> => {
  const started = performance.now();
  const summary: PostSummary = { events: events.length, requests: 0, accepted: 0, rejected: 0, retries: 0, elapsedMs: 0 };
  const url = `${options.endpoint.replace(/\/$/, '')}/v1/events`;
  let sent = 0;
  let next = 0;

  const postOne = async (batch: PipelineEvent[]) => {
    const body = await backOff(
      async () => {
        summary.requests++;
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'x-api-key': options.apiKey },
            body: JSON.stringify({ events: batch }),
          });
        } catch (error) {
          throw new Retryable(String(error));
        }
        const text = await response.text();
        if (response.status === 429 || response.status >= 500) throw new Retryable(`HTTP ${response.status}`);
        if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
        return JSON.parse(text) as { accepted: number; rejected: unknown[] };
      },
      {
        numOfAttempts: 10,
        startingDelay: 100,
        maxDelay: 5_000,
        jitter: 'full',
        retry: (error) => {
          if (!(error instanceof Retryable)) return false;
          summary.retries++;
          return true;
        },
      },
    );
    summary.accepted += body.accepted;
    summary.rejected += body.rejected.length;
    sent += batch.length;
    options.onProgress?.(sent);
  };

  // Consent statements go first, as a wave of their own: batches are posted in parallel, and under the
  // opt-in tracking policy behaviour that reaches the pipeline before its user's grant is not kept.
  const waves = [toBatches(events.filter(isConsent)), toBatches(events.filter((event) => !isConsent(event)))];
  let batches: PipelineEvent[][] = [];
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      await postOne(batch);
      if (options.rate) {
        // Pace so that the events sent so far never run ahead of the rate.
        const due = started + (sent / options.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  for (const wave of waves) {
    [batches, next] = [wave, 0];
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
};
