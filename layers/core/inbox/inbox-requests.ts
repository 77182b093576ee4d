import type { Clock } from '../clock';
import type { PipelineEvent } from '../contract/pipeline-event';
import type { InboxStore } from '../ports';
import { ACTION_FIELDS, encodeSortKey, INBOX_ACTIONS, INBOX_ITEMS_PREFIX, isLive, sortKeyOfId, type InboxAction, type InboxMessage } from './inbox-message';
import { bannersBySlot, toView, type InboxMessageView, type InboxPageView } from './inbox-view';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 50;

/** Machine-readable codes of the inbox routes' 4xx answers (docs/in-app.md). */
export type InboxErrorCode = 'INVALID_LIMIT' | 'INVALID_NEXT_TOKEN' | 'INVALID_SLOT' | 'INVALID_JSON' | 'INVALID_ACTION' | 'MESSAGE_NOT_FOUND' | 'STREAM_UNAVAILABLE';

export class InboxRequestError extends Error {
  override readonly name = 'InboxRequestError';
  constructor(
    readonly statusCode: 400 | 404 | 503,
    readonly code: InboxErrorCode,
    /** The request field at fault. */
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface InboxDeps {
  inbox: InboxStore;
  /** Puts the funnel's events on the events stream (as ingest does). */
  emit: (events: PipelineEvent[]) => Promise<void>;
  clock: Clock;
}

/** The query of `GET /v1/users/{userId}/messages`. */
export interface PageQuery {
  limit?: string;
  nextToken?: string;
  slot?: string;
}

/**
 * One page of the user's inbox, newest first: one Query of at most `limit` items; expired and
 * dismissed ones are left out, so a page may hold fewer (`nextToken` still leads on). The first page
 * also carries the banners (one more Query), of every slot or of `slot`.
 */
export const readInboxPage = async (userId: string, query: PageQuery, deps: InboxDeps): Promise<InboxPageView> => {
  const limit = parseLimit(query.limit);
  const after = query.nextToken === undefined ? undefined : parseNextToken(query.nextToken);
  if (query.slot !== undefined && !/^[a-z][a-z0-9-]{0,39}$/.test(query.slot)) throw new InboxRequestError(400, 'INVALID_SLOT', 'slot', 'slot must be a slot name such as home-top');
  const now = deps.clock();
  const [page, banners] = await Promise.all([deps.inbox.page(userId, limit, after), after === undefined ? deps.inbox.banners(userId, query.slot) : []]);
  return {
    userId,
    inbox: page.messages.filter((message) => isLive(message, now)).map(toView),
    banners: bannersBySlot(banners, now),
    ...(page.next && { nextToken: encodeSortKey(page.next) }),
  };
};

/**
 * Records what the app did with a message. Impressions and clicks are also events on the stream, put
 * before the mark: a failure in between makes the app retry, and the event's fixed insertId and the
 * funnel's once-per-message condition count it once. A message past its expiry is not found.
 */
export const recordInboxAction = async (userId: string, id: string, body: string | null, deps: InboxDeps): Promise<InboxMessageView> => {
  const action = parseAction(body);
  const sortKey = sortKeyOfId(id);
  const now = deps.clock();
  const message = sortKey === undefined ? undefined : await deps.inbox.get(userId, sortKey);
  if (!sortKey || !message || Date.parse(message.expiresAt) <= now.getTime()) throw new InboxRequestError(404, 'MESSAGE_NOT_FOUND', 'id', 'no such message in this inbox');
  const funnelEvent = funnelEventOf(action, message, now);
  if (funnelEvent) {
    try {
      await deps.emit([funnelEvent]);
    } catch (cause) {
      // Nothing was marked: the app retries (as it would any 503), and the event's insertId counts it once.
      throw new InboxRequestError(503, 'STREAM_UNAVAILABLE', 'action', 'the event could not be stored; retry', { cause });
    }
  }
  const marked = await deps.inbox.mark(userId, sortKey, ACTION_FIELDS[action], now);
  if (!marked) throw new InboxRequestError(404, 'MESSAGE_NOT_FOUND', 'id', 'no such message in this inbox');
  return toView(marked);
};

/** The event the funnel counts for an action, the first time only (later ones would be duplicates anyway). */
const funnelEventOf = (action: InboxAction, message: InboxMessage, now: Date): PipelineEvent | undefined => {
  const type = action === 'impression' ? 'in_app_impression' : action === 'click' ? 'in_app_click' : undefined;
  if (!type || (action === 'impression' ? message.impressionAt : message.clickedAt)) return undefined;
  return {
    type,
    insertId: `${type}-${message.messageId}`,
    userId: message.userId,
    timestamp: now.toISOString(),
    properties: { messageId: message.messageId, campaignId: message.campaignId },
  };
};

const parseLimit = (raw: string | undefined): number => {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_PAGE_SIZE) throw new InboxRequestError(400, 'INVALID_LIMIT', 'limit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
};

const parseNextToken = (raw: string): string => {
  const key = sortKeyOfId(raw);
  if (!key?.startsWith(INBOX_ITEMS_PREFIX)) throw new InboxRequestError(400, 'INVALID_NEXT_TOKEN', 'nextToken', 'nextToken must be one a previous page returned');
  return key;
};

const parseAction = (body: string | null): InboxAction => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new InboxRequestError(400, 'INVALID_JSON', 'body', 'the body is not valid JSON');
  }
  const action = (parsed as { action?: unknown } | null)?.action;
  if (typeof action !== 'string' || !(INBOX_ACTIONS as readonly string[]).includes(action)) {
    throw new InboxRequestError(400, 'INVALID_ACTION', 'action', `action must be one of ${INBOX_ACTIONS.join(', ')}`);
  }
  return action as InboxAction;
};
