import { INBOX_SLOT, type InAppSettings } from '../campaigns/campaign';
import type { Intent } from '../messaging/intent';
import type { RenderedContent } from '../messaging/render-content';

/** One in-app message as the Inbox table keeps it: an inbox item, or a banner in a named slot. */
export interface InboxMessage {
  userId: string;
  messageId: string;
  campaignId: string;
  variant: string;
  /** `inbox`, or the banner slot (`home-top`, `cart`). */
  slot: string;
  /** Banners within a slot: highest first. */
  priority: number;
  title: string;
  body: string;
  imageUrl?: string;
  deepLink?: string;
  /** When it went out (its send time), ISO-8601. */
  receivedAt: string;
  /** When it leaves the inbox, ISO-8601; the table's TTL removes it within days after. */
  expiresAt: string;
  /** First time the app reported it shown / read / clicked / dismissed. */
  impressionAt?: string;
  readAt?: string;
  clickedAt?: string;
  dismissedAt?: string;
}

/** What the app reports about a message it shows. */
export const INBOX_ACTIONS = ['impression', 'read', 'click', 'dismiss'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

export type InboxStateField = 'impressionAt' | 'readAt' | 'clickedAt' | 'dismissedAt';

/** The state each action records (a click reads the message too). */
export const ACTION_FIELDS: Readonly<Record<InboxAction, readonly InboxStateField[]>> = {
  impression: ['impressionAt'],
  read: ['readAt'],
  click: ['clickedAt', 'readAt'],
  dismiss: ['dismissedAt'],
};

/** The message deliver stores for rendered content sent in-app at `sentAt`. */
export const toInboxMessage = (intent: Intent, content: RenderedContent, settings: InAppSettings, sentAt: Date): InboxMessage => {
  const imageUrl = content.imageUrl ?? settings.imageUrl;
  return {
    userId: intent.userId,
    messageId: intent.messageId,
    campaignId: intent.campaignId,
    variant: content.variant,
    slot: settings.slot,
    priority: settings.priority,
    title: content.title,
    body: content.body,
    ...(imageUrl && { imageUrl }),
    ...(content.deepLink && { deepLink: content.deepLink }),
    receivedAt: sentAt.toISOString(),
    expiresAt: new Date(sentAt.getTime() + settings.expiresAfterMs).toISOString(),
  };
};

/**
 * The sort key within the user's partition. Inbox items sort by time (`i#<receivedAt>#<id>`), so a page
 * newest first is one Query read backwards; banners (`b#<slot>#<receivedAt>#<id>`) are a range of their
 * own that the first page reads whole, or one slot of.
 */
export const sortKeyOf = (message: Pick<InboxMessage, 'slot' | 'receivedAt' | 'messageId'>): string =>
  message.slot === INBOX_SLOT ? `i#${message.receivedAt}#${message.messageId}` : `b#${message.slot}#${message.receivedAt}#${message.messageId}`;

export const INBOX_ITEMS_PREFIX = 'i#';
export const bannersPrefix = (slot?: string): string => (slot ? `b#${slot}#` : 'b#');

const SORT_KEY = /^(i|b#[a-z][a-z0-9-]{0,39})#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f]{32}$/;

/** A sort key as the app sees it, in message ids and page tokens: base64url (opaque, safe in a path segment). */
export const encodeSortKey = (key: string): string => Buffer.from(key).toString('base64url');

/** The id the app sees for a message. */
export const inboxIdOf = (message: Pick<InboxMessage, 'slot' | 'receivedAt' | 'messageId'>): string => encodeSortKey(sortKeyOf(message));

/** The sort key an id (or page token) names, or undefined when it is not one this API gave out. */
export const sortKeyOfId = (id: string): string | undefined => {
  const key = Buffer.from(id, 'base64url').toString('utf8');
  return SORT_KEY.test(key) && encodeSortKey(key) === id ? key : undefined;
};

/** Shown to the app: not dismissed and not past its expiry (TTL deletes lazily, so reads filter too). */
export const isLive = (message: InboxMessage, now: Date): boolean => !message.dismissedAt && Date.parse(message.expiresAt) > now.getTime();
