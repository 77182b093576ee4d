/**
 * The event contract in types. `events/schemas/event.schema.json` is the source of truth; these types
 * describe what a value looks like once it has passed that schema.
 */
export const EVENT_TYPES = [
  'app_open',
  'login',
  'page_view',
  'product_view',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'push_open',
  'sms_click',
  'in_app_impression',
  'in_app_click',
  'feedback',
  'identify',
  'consent',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * An event type of the app's own (`wishlist_add`, `search`): a name matching CUSTOM_EVENT_NAME, with a
 * registered schema in `events/schemas/custom/` or free-form properties within limits (docs/events.md).
 */
export type CustomEventType = string & { readonly customEventType?: never };

export const isStandardEventType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);

export type Channel = 'push' | 'sms' | 'in-app' | 'email';

/** What a user consents to: `tracking` (behaviour data is kept) and each channel. */
export type ConsentPurpose = 'tracking' | Channel;

/** Where and under which text a statement was made (identify's `consent`, the consent event's properties). */
export interface ConsentContext {
  /** A slug: `identify`, `consent-banner`, `settings`, `sns-opt-out`… */
  source?: string;
  /** The version of the text the user agreed to. */
  version?: string;
}

export interface PurchaseItem {
  productId: string;
  category?: string;
  quantity: number;
  price: number;
}

export interface EventProperties {
  page?: string;
  productId?: string;
  category?: string;
  dwellMs?: number;
  quantity?: number;
  price?: number;
  orderId?: string;
  currency?: string;
  /** The coupon code applied to a purchase. */
  couponCode?: string;
  items?: PurchaseItem[];
  traits?: Record<string, unknown>;
  timeZone?: string;
  pushEndpointArn?: string;
  /** E.164 (`+447700900123`), for SMS; never logged. */
  phoneNumber?: string;
  consent?: Partial<Record<ConsentPurpose, boolean>> & ConsentContext;
  /** consent: the purposes granted (true) or refused (false); `source` and `version` beside them. */
  purposes?: Partial<Record<ConsentPurpose, boolean>>;
  source?: string;
  version?: string;
  messageId?: string;
  campaignId?: string;
  /** feedback: 1 (worst) to 5 (best). */
  rating?: number;
  /** feedback: what the user wrote; personal data, never logged. */
  text?: string;
  /** feedback: where it was asked for, a slug such as `order-confirmation`. */
  placement?: string;
  /** The app's own properties on a standard event, free-form within limits (docs/events.md). */
  custom?: Record<string, unknown>;
  /** A custom event's properties: its registered schema's, or free-form within limits. */
  [property: string]: unknown;
}

export interface EventContext {
  platform?: 'ios' | 'android' | 'web';
  appVersion?: string;
  locale?: string;
}

/** An event as an app sends it. */
export interface PipelineEvent {
  type: EventType | CustomEventType;
  insertId: string;
  userId?: string;
  anonymousId?: string;
  /** Client time, ISO-8601. */
  timestamp: string;
  context?: EventContext;
  properties?: EventProperties;
}

/** An event as ingest writes it to the stream: the app's event plus what the server knows. */
export interface IngestedEvent extends PipelineEvent {
  /** Server time at ingest, ISO-8601. */
  receivedAt: string;
  /** The client's network, masked at ingest (see `maskIp`); the raw address is never stored. */
  ipPrefix?: string;
  /** The client's own timestamp when it was too far in the future and `timestamp` was clamped. */
  clientTimestamp?: string;
}

/** Fields the server adds to an event; they are not part of what apps may send. */
export const SERVER_FIELDS = ['receivedAt', 'ipPrefix', 'clientTimestamp'] as const;

/** The key a profile is stored under: the user id, or the anonymous id when the user is not known yet. */
export const profileKeyOf = (event: Pick<PipelineEvent, 'userId' | 'anonymousId'>): string =>
  event.userId ?? `${ANONYMOUS_PREFIX}${event.anonymousId}`;

const ANONYMOUS_PREFIX = 'anonymous:';

/** A profile of a device not signed in yet (see {@link profileKeyOf}). */
export const isAnonymousProfileKey = (key: string): boolean => key.startsWith(ANONYMOUS_PREFIX);
