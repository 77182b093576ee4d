import { inboxIdOf, isLive, type InboxMessage } from './inbox-message';

/** A message as the app gets it: no internal state beyond what it renders. */
export interface InboxMessageView {
  /** Names the message in `POST …/messages/{id}`. */
  id: string;
  /** For events the app sends itself (`in_app_impression`, `in_app_click`): the funnel joins on it. */
  messageId: string;
  campaignId: string;
  title: string;
  body: string;
  imageUrl?: string;
  deepLink?: string;
  slot: string;
  priority: number;
  receivedAt: string;
  expiresAt: string;
  read: boolean;
  clicked: boolean;
}

/** `GET /v1/users/{userId}/messages`: a page of the inbox, and on the first page the banners by slot. */
export interface InboxPageView {
  userId: string;
  inbox: InboxMessageView[];
  banners: Record<string, InboxMessageView[]>;
  nextToken?: string;
}

export const toView = (message: InboxMessage): InboxMessageView => ({
  id: inboxIdOf(message),
  messageId: message.messageId,
  campaignId: message.campaignId,
  title: message.title,
  body: message.body,
  ...(message.imageUrl && { imageUrl: message.imageUrl }),
  ...(message.deepLink && { deepLink: message.deepLink }),
  slot: message.slot,
  priority: message.priority,
  receivedAt: message.receivedAt,
  expiresAt: message.expiresAt,
  read: message.readAt !== undefined,
  clicked: message.clickedAt !== undefined,
});

/** Live banners grouped by slot, each slot highest priority first, then newest. */
export const bannersBySlot = (banners: readonly InboxMessage[], now: Date): Record<string, InboxMessageView[]> => {
  const bySlot: Record<string, InboxMessage[]> = {};
  for (const banner of banners.filter((b) => isLive(b, now))) (bySlot[banner.slot] ??= []).push(banner);
  return Object.fromEntries(
    Object.entries(bySlot).map(([slot, list]) => [slot, list.sort((a, b) => b.priority - a.priority || b.receivedAt.localeCompare(a.receivedAt)).map(toView)]),
  );
};
