import type { Campaign } from '../../layers/core/campaigns/campaign';
import { messageIdFor } from '../../layers/core/messaging/intent';
import type { CampaignSource } from '../../layers/core/ports';
import type { Timer } from '../../layers/core/triggers/timer';
import { campaignFactory } from './campaign-factories';
import { intentFactory } from './factories';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** One campaign of each trigger shape, with the seed campaigns' ids and triggers (events/campaigns/*.yaml). */
export const triggerCampaigns = {
  /** `unless`, correlated on the product. */
  viewedNoCart: campaignFactory({
    id: 'viewed-no-cart-coupon',
    trigger: {
      event: { type: 'product_view', where: { dwellMs: { gte: 3000 } } },
      unless: { event: { type: 'add_to_cart' }, withinMs: 30 * MINUTE },
      correlateOn: 'productId',
    },
  }),
  /** `afterMs`. */
  relatedAfterPurchase: campaignFactory({ id: 'related-products-after-purchase', trigger: { event: { type: 'purchase' }, afterMs: DAY } }),
  /** `afterMs`, re-armed by every login; push with SMS fallback. */
  comeback: campaignFactory({ id: 'comeback-after-3-days', trigger: { event: { type: ['login', 'app_open'] }, afterMs: 3 * DAY }, channels: ['push', 'sms'] }),
  /** `count`. */
  browsedThree: campaignFactory({ id: 'browsed-three-pages', trigger: { event: { type: 'page_view' }, count: { atLeast: 3, withinMs: 30 * MINUTE } } }),
  /** `event` alone. */
  thanks: campaignFactory({ id: 'thanks-for-your-order', category: 'transactional', trigger: { event: { type: 'purchase' } } }),
} satisfies Record<string, Campaign>;

/** A campaign source that always answers with the given campaigns; `reads` counts the calls. */
export const staticCampaignSource = (campaigns: readonly Campaign[]): CampaignSource & { reads: number } => {
  const source = {
    reads: 0,
    active: async () => {
      source.reads++;
      return campaigns;
    },
  };
  return source;
};

/**
 * A comeback timer for `userId`, armed at `armedAt` by the event `armId`, due `dueInMs` after it; its
 * intent has the deterministic message id of that arming.
 */
export const timerFactory = (overrides: { userId?: string; armId?: string; armedAt?: string; dueInMs?: number; key?: string } = {}): Timer => {
  const { userId = 'user-1', armedAt = '2026-11-22T10:00:00.000Z', dueInMs = 3 * DAY, key = 'comeback-after-3-days#-' } = overrides;
  const armId = overrides.armId ?? `login-${userId}`;
  const dueAt = new Date(Date.parse(armedAt) + dueInMs).toISOString();
  const occurrence = { userId, campaignId: key.split('#')[0]!, occurrence: armId };
  return { userId, key, armId, armedAt, dueAt, intent: intentFactory({ ...occurrence, messageId: messageIdFor(occurrence), triggeredAt: dueAt, context: { eventType: 'login' } }) };
};
