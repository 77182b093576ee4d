import type { Intent } from './intent';

export interface PushContent {
  title: string;
  body: string;
  /** Deep link data the app reads when the push is opened; carries the message id for CTR attribution. */
  data: Record<string, string>;
}

/** Renders the slice's related-products push. Templates per segment and recommendation slots come later. */
export const renderPush = (intent: Intent): PushContent => {
  const purchased = intent.context.purchasedProductIds;
  const first = Array.isArray(purchased) ? purchased[0] : undefined;
  return {
    title: 'Picked for you',
    body: 'Thanks for your order! Customers who bought it also loved these.',
    data: {
      messageId: intent.messageId,
      campaignId: intent.campaignId,
      deepLink: first ? `app://related/${encodeURIComponent(first)}` : 'app://home',
    },
  };
};

/**
 * The SNS `MessageStructure: 'json'` payload: one message per push platform, as SNS mobile push expects
 * (the `default` key is required, the platform keys carry the platform's own JSON as a string).
 */
export const toSnsPushMessage = (content: PushContent): string => {
  const fcm = { notification: { title: content.title, body: content.body }, data: content.data };
  const apns = { aps: { alert: { title: content.title, body: content.body } }, ...content.data };
  return JSON.stringify({
    default: content.body,
    GCM: JSON.stringify({ fcmV1Message: { message: fcm } }),
    APNS: JSON.stringify(apns),
    APNS_SANDBOX: JSON.stringify(apns),
  });
};
