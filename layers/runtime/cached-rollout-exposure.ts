import type { Clock } from '../core/clock';
import type { RolloutExposureSource } from '../core/ports';

type Exposure = Awaited<ReturnType<RolloutExposureSource['exposureOf']>>;

/**
 * A rollout's exposure per campaign, read at most once per `ttlMs` per container (the campaigns cache's
 * TTL: a rollback reaches every container within it). With `ttlMs` 0 every call reads.
 */
export const cachedRolloutExposure = (source: RolloutExposureSource, options: { ttlMs: number; clock: Clock }): RolloutExposureSource => {
  const cache = new Map<string, { value: Exposure; readAt: number }>();
  return {
    async exposureOf(campaignId) {
      const now = options.clock().getTime();
      const hit = cache.get(campaignId);
      if (hit && now - hit.readAt < options.ttlMs) return hit.value;
      const value = await source.exposureOf(campaignId);
      cache.set(campaignId, { value, readAt: now });
      return value;
    },
  };
};
