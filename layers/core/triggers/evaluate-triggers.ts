import type { IngestedEvent } from '../contract/pipeline-event';
import { messageIdFor, type Intent } from '../messaging/intent';
import type { Profile } from '../profile/profile';

/** The one trigger of the vertical slice; declarative campaigns and durable timers replace it later. */
export const RELATED_PRODUCTS_CAMPAIGN_ID = 'related-products-after-purchase';

/**
 * Turns newly applied events into intents. Only events that changed the profile reach this function,
 * so a duplicate or a replayed event can never trigger twice.
 */
export const evaluateTriggers = (profile: Profile, applied: readonly IngestedEvent[]): Intent[] =>
  applied
    .filter((event) => event.type === 'purchase')
    .map((purchase) => {
      const occurrence = purchase.insertId;
      return {
        messageId: messageIdFor({ userId: profile.userId, campaignId: RELATED_PRODUCTS_CAMPAIGN_ID, occurrence }),
        userId: profile.userId,
        campaignId: RELATED_PRODUCTS_CAMPAIGN_ID,
        channel: 'push',
        occurrence,
        triggeredAt: purchase.timestamp,
        context: { purchasedProductIds: (purchase.properties?.items ?? []).map((item) => item.productId) },
      };
    });
