import type { Intent } from './intent';
import type { RenderedContent } from './render-content';

export interface PushContent {
  title: string;
  body: string;
  /** Deep link data the app reads when the push is opened; carries the message id for CTR attribution. */
  data: Record<string, string>;
  imageUrl?: string;
}

/** The push for rendered content: title, body and the data the app needs to attribute the open. */
export const toPushContent = (content: RenderedContent, intent: Intent): PushContent => ({
  title: content.title,
  body: content.body,
  data: {
    messageId: intent.messageId,
    campaignId: intent.campaignId,
    variant: content.variant,
    deepLink: content.deepLink,
    ...(content.productIds.length > 0 && { productIds: content.productIds.join(',') }),
  },
  ...(content.imageUrl && { imageUrl: content.imageUrl }),
});

/**
 * The SNS `MessageStructure: 'json'` payload: one message per push platform, as SNS mobile push expects
 * (the `default` key is required, the platform keys carry the platform's own JSON as a string).
 */
export const toSnsPushMessage = (content: PushContent): string => {
  const image = content.imageUrl;
  const fcm = { notification: { title: content.title, body: content.body, ...(image && { image }) }, data: content.data };
  // APNs shows an image through the app's notification service extension, which mutable-content wakes.
  const apns = { aps: { alert: { title: content.title, body: content.body }, ...(image && { 'mutable-content': 1 }) }, ...content.data, ...(image && { imageUrl: image }) };
  return JSON.stringify({
    default: content.body,
    GCM: JSON.stringify({ fcmV1Message: { message: fcm } }),
    APNS: JSON.stringify(apns),
    APNS_SANDBOX: JSON.stringify(apns),
  });
};
