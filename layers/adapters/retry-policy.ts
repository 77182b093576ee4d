import { backOff } from 'exponential-backoff';

/**
 * Retries a batch write's refused entries with jittered exponential backoff. `attempt` returns the
 * entries still refused; the promise resolves with what is left after the last try (empty = all written).
 */
export const retryRefused = async <T>(
  entries: readonly T[],
  attempt: (pending: readonly T[]) => Promise<T[]>,
  options: { maxAttempts?: number; startingDelayMs?: number } = {},
): Promise<T[]> => {
  let pending: T[] = [...entries];
  try {
    await backOff(
      async () => {
        pending = await attempt(pending);
        if (pending.length > 0) throw new RefusedEntries();
      },
      {
        numOfAttempts: options.maxAttempts ?? 5,
        startingDelay: options.startingDelayMs ?? 50,
        maxDelay: 2_000,
        jitter: 'full',
        retry: (error) => error instanceof RefusedEntries,
      },
    );
  } catch (error) {
    if (!(error instanceof RefusedEntries)) throw error;
  }
  return pending;
};

class RefusedEntries extends Error {}
