import type { Environment } from './config';

/** How long a function serves the campaigns it read before reading them again, when not configured. */
export const DEFAULT_CAMPAIGN_CACHE_TTL_SECONDS = 60;

/** CAMPAIGN_CACHE_TTL_SECONDS is set to something that is not a number of seconds. */
export class CampaignCacheTtlInvalidError extends Error {
  override readonly name = 'CampaignCacheTtlInvalidError';
  constructor(readonly value: string) {
    super(`CAMPAIGN_CACHE_TTL_SECONDS must be a number of seconds ≥ 0, got "${value}"`);
  }
}

/** The campaign cache's time to live in ms, from the optional CAMPAIGN_CACHE_TTL_SECONDS (default 60 s). */
export const campaignCacheTtlMs = (env: Environment): number => {
  const raw = env.CAMPAIGN_CACHE_TTL_SECONDS?.trim();
  if (!raw) return DEFAULT_CAMPAIGN_CACHE_TTL_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new CampaignCacheTtlInvalidError(raw);
  return seconds * 1000;
};
