import type { RankingMetrics } from './metrics';

/** The verdict on a newly trained model. */
export interface PromotionDecision {
  promote: boolean;
  /** Why, in words for the state file and the alert. */
  reason: string;
}

/**
 * Promote a candidate only if its offline metric (HitRate@10 on the temporal holdout) is not worse
 * than the serving model's by more than `tolerance` (absolute, 0 = never worse). The first model is
 * promoted even unevaluated (a young deployment has no holdout yet): anything trained on the shop's own
 * data beats the static popular list it replaces. Later, a candidate evaluated on no user is not, since
 * its figure means nothing.
 */
export const decidePromotion = (candidate: RankingMetrics, current: RankingMetrics | undefined, tolerance = 0): PromotionDecision => {
  if (!current) return { promote: true, reason: candidate.users === 0 ? 'no model is serving yet (the holdout had no user to evaluate on)' : 'no model is serving yet' };
  if (candidate.users === 0) return { promote: false, reason: 'the holdout had no user to evaluate the candidate on' };
  const floor = current.hitRate - tolerance;
  return candidate.hitRate >= floor
    ? { promote: true, reason: `HitRate@10 ${candidate.hitRate.toFixed(4)} ≥ ${floor.toFixed(4)} (current ${current.hitRate.toFixed(4)}, tolerance ${tolerance})` }
    : { promote: false, reason: `HitRate@10 ${candidate.hitRate.toFixed(4)} < ${floor.toFixed(4)} (current ${current.hitRate.toFixed(4)}, tolerance ${tolerance})` };
};

/** Whether enough new interactions arrived since the last training to be worth a new one. */
export const decideRetraining = (newInteractions: number, threshold: number): { run: boolean; reason: string } =>
  newInteractions >= threshold
    ? { run: true, reason: `${newInteractions} new interactions ≥ ${threshold}` }
    : { run: false, reason: `only ${newInteractions} new interactions, fewer than ${threshold}` };

/** The Personalize solution metric retraining promotes on. */
export const PERSONALIZE_PROMOTION_METRIC = 'normalized_discounted_cumulative_gain_at_10';

/** The Personalize counterpart of {@link decidePromotion}: the new solution version against the campaign's. */
export const decidePersonalizePromotion = (
  candidate: Readonly<Record<string, number>>,
  current: Readonly<Record<string, number>> | undefined,
  tolerance = 0,
): PromotionDecision => {
  const metric = PERSONALIZE_PROMOTION_METRIC;
  const value = candidate[metric];
  if (value === undefined) return { promote: false, reason: `the new solution version reports no ${metric}` };
  const serving = current?.[metric];
  if (serving === undefined) return { promote: true, reason: `the campaign's solution version reports no ${metric}` };
  const floor = serving - tolerance;
  return value >= floor
    ? { promote: true, reason: `${metric} ${value.toFixed(4)} ≥ ${floor.toFixed(4)} (current ${serving.toFixed(4)})` }
    : { promote: false, reason: `${metric} ${value.toFixed(4)} < ${floor.toFixed(4)} (current ${serving.toFixed(4)})` };
};

/** When to look again at a Personalize job: doubling from 1 minute, at most every 30 minutes. */
export const nextPollSeconds = (previousSeconds: number | undefined): number => Math.min(1800, Math.max(60, (previousSeconds ?? 30) * 2));
