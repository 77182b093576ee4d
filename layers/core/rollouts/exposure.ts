/**
 * A user's exposure to a campaign's rollout run: the moment they were (treatment) or would have been
 * (control) messaged, recorded once per user and run. Conversions and clicks are attributed to it.
 */
export interface Exposure {
  userId: string;
  campaignId: string;
  runId: string;
  arm: 'control' | 'treatment';
  /** The A/B variant (treatment only). */
  variant?: string;
  /** ISO-8601: the first exposure in the run (the assignment). */
  exposedAt: string;
  /** ISO-8601: the latest (a campaign may message a user again after its `oncePer` window). */
  lastExposedAt: string;
  /** The campaign's messages to the user in this run (clicks on them count). */
  messageIds: string[];
  /** The attribution window of the plan the run started with. */
  attributionWindowMs: number;
  convertedAt?: string;
  clickedAt?: string;
}

/** The counter an exposure counts in. */
export const armKeyOf = (exposure: Pick<Exposure, 'arm' | 'variant'>): string => (exposure.arm === 'control' ? 'control' : `variant#${exposure.variant ?? 'default'}`);
