import type { Campaign } from '../core/campaigns/campaign';
import type { Clock } from '../core/clock';
import type { CampaignSource } from '../core/ports';

/** Options of {@link cachedCampaignSource}. */
export interface CachedCampaignSourceOptions {
  /** How long a list read from the source is served (CAMPAIGN_CACHE_TTL_SECONDS × 1000); 0 = read through every time. */
  ttlMs: number;
  clock: Clock;
  /** Told about a failed refresh while the last good list is served instead (e.g. to log a warning). */
  onStaleServed?: (error: unknown) => void;
}

/**
 * Puts a per-container cache in front of a campaign source, so a warm function reads the Campaigns table
 * at most once per `ttlMs` and a CLI change is picked up within that time.
 *
 * A failed refresh keeps serving the last good list (campaigns change rarely; the table being briefly
 * unreachable should not stop every trigger) and tries again after another `ttlMs`. It rethrows only
 * when no list was ever read. Concurrent callers share one read.
 */
export const cachedCampaignSource = (source: CampaignSource, options: CachedCampaignSourceOptions): CampaignSource => {
  const { ttlMs, clock } = options;
  let lastGood: readonly Campaign[] | undefined;
  /** Time of the last refresh attempt, successful or not (ms since the epoch). */
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<readonly Campaign[]> | undefined;

  const refresh = async (): Promise<readonly Campaign[]> => {
    attemptedAt = clock().getTime();
    try {
      lastGood = await source.active();
      return lastGood;
    } catch (error) {
      if (lastGood === undefined) {
        attemptedAt = Number.NEGATIVE_INFINITY; // nothing to serve: the next call must try again
        throw error;
      }
      options.onStaleServed?.(error);
      return lastGood;
    }
  };

  return {
    active: async () => {
      if (lastGood !== undefined && ttlMs > 0 && clock().getTime() - attemptedAt < ttlMs) return lastGood;
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
};
