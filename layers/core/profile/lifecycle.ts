import { interactionsWithin } from './activity';

/**
 * Lifecycle stages; the first rule that matches wins.
 * | stage | rule |
 * | --- | --- |
 * | `new` | first seen within the last 14 days |
 * | `churn-risk` | no interaction in the last 30 days, or a buyer whose last purchase is over 90 days old |
 * | `stable` | ≥ 3 orders, the last within 90 days |
 * | `growth` | everyone else: active, past the first two weeks, fewer than 3 orders |
 */
export type LifecycleStage = 'new' | 'growth' | 'stable' | 'churn-risk';

export const LIFECYCLE_RULES = {
  newForDays: 14,
  inactiveAfterDays: 30,
  purchaseLapsedAfterDays: 90,
  stableMinOrders: 3,
} as const;

const DAY_MS = 86_400_000;

export interface LifecycleInputs {
  firstSeenAt?: string;
  lastPurchaseAt?: string;
  orders: number;
  activityDays: Record<string, number>;
}

export const lifecycleStage = (profile: LifecycleInputs, now: Date): LifecycleStage => {
  const daysSince = (iso: string) => (now.getTime() - Date.parse(iso)) / DAY_MS;
  if (profile.firstSeenAt === undefined || daysSince(profile.firstSeenAt) < LIFECYCLE_RULES.newForDays) return 'new';
  const lapsedBuyer =
    profile.lastPurchaseAt !== undefined && daysSince(profile.lastPurchaseAt) > LIFECYCLE_RULES.purchaseLapsedAfterDays;
  if (interactionsWithin(profile.activityDays, now, LIFECYCLE_RULES.inactiveAfterDays) === 0 || lapsedBuyer) return 'churn-risk';
  if (profile.orders >= LIFECYCLE_RULES.stableMinOrders) return 'stable';
  return 'growth';
};
