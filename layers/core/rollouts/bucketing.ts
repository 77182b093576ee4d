import { createHash } from 'node:crypto';
import type { RolloutPlan } from '../campaigns/campaign';

/** Buckets per campaign: exposure is set in hundredths of a percent. */
export const BUCKETS = 10_000;

/**
 * Which of {@link BUCKETS} buckets a user falls in for one campaign and one purpose. A stable hash (the
 * first 32 bits of SHA-256) of the user, the campaign and the purpose: the same inputs always give the
 * same bucket, on every machine and after every redeploy; different purposes give independent buckets.
 */
export const bucketOf = (userId: string, campaignId: string, purpose: 'exposure' | 'control' | 'variant' | 'holdout'): number =>
  createHash('sha256').update(`${purpose}\u0000${campaignId}\u0000${userId}`).digest().readUInt32BE(0) % BUCKETS;

export type Assignment =
  /** Outside the current exposure: not part of the rollout yet. */
  | { arm: 'unexposed' }
  /** The persistent holdout: recorded as "would have been sent", never messaged. */
  | { arm: 'control' }
  | { arm: 'treatment'; variant: string };

/**
 * A user's arm in a campaign's rollout at `exposurePercent`. Exposed = exposure bucket below the exposure,
 * so raising it only adds users (a user exposed at 5% is exposed at 20%). Control and variant come from
 * their own buckets, independent of exposure and of each other, so the control share and the variant split
 * are the same at every stage and a user never changes arm.
 */
export const assignArm = (userId: string, campaignId: string, exposurePercent: number, plan: Pick<RolloutPlan, 'controlShare' | 'variants'>): Assignment => {
  if (bucketOf(userId, campaignId, 'exposure') >= Math.round(exposurePercent * (BUCKETS / 100))) return { arm: 'unexposed' };
  if (bucketOf(userId, campaignId, 'control') < Math.round(plan.controlShare * BUCKETS)) return { arm: 'control' };
  return { arm: 'treatment', variant: variantAt(bucketOf(userId, campaignId, 'variant') / BUCKETS, plan.variants) };
};

/** The variant whose share of [0, 1) contains `point`, the shares being proportional to the weights. */
const variantAt = (point: number, variants: RolloutPlan['variants']): string => {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.weight / total;
    if (point < upTo) return variant.name;
  }
  return variants.at(-1)!.name;
};

/** The campaign id the global holdout is bucketed under: one assignment per user for every campaign. */
const GLOBAL = '*';

/**
 * Whether a user is in the global holdout of `share` (0–0.5): a stable bucket of their own, independent
 * of every campaign's rollout buckets, so a user stays in it (or out) across campaigns and redeploys, and
 * raising the share only adds users.
 */
export const isInGlobalHoldout = (userId: string, share: number): boolean => bucketOf(userId, GLOBAL, 'holdout') < Math.round(share * BUCKETS);
