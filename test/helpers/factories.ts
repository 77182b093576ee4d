import type { IngestedEvent, PipelineEvent } from '../../layers/core/contract/pipeline-event';
import type { EncodedRecord } from '../../layers/core/contract/decode-records';
import type { Intent } from '../../layers/core/messaging/intent';
import { messageIdFor } from '../../layers/core/messaging/intent';
import { emptyProfile, type Profile } from '../../layers/core/profile/profile';

export const RECEIVED_AT = '2026-11-22T10:10:00.000Z';

let counter = 0;
const nextInsertId = () => `evt-${String(++counter).padStart(6, '0')}`;

/** An app event with sensible defaults; override what the test is about. */
export const eventFactory = (overrides: Partial<PipelineEvent> = {}): PipelineEvent => {
  const type = overrides.type ?? 'page_view';
  return {
    type,
    insertId: nextInsertId(),
    userId: 'user-1',
    timestamp: '2026-11-22T10:00:00.000Z',
    ...(defaultProperties[type] ? { properties: defaultProperties[type] } : {}),
    ...overrides,
  };
};

export const ingestedEventFactory = (overrides: Partial<IngestedEvent> = {}): IngestedEvent => ({
  ...eventFactory(overrides),
  receivedAt: RECEIVED_AT,
  ...overrides,
});

const defaultProperties: Partial<Record<PipelineEvent['type'], PipelineEvent['properties']>> = {
  product_view: { productId: 'P-1', category: 'kitchen', dwellMs: 4000 },
  add_to_cart: { productId: 'P-1', quantity: 1, price: 9.99 },
  remove_from_cart: { productId: 'P-1' },
  purchase: { orderId: 'order-1', currency: 'GBP', items: [{ productId: 'P-1', quantity: 2, price: 9.99 }] },
  page_view: { page: '/home' },
  push_open: { messageId: 'm-1' },
  sms_click: { messageId: 'm-1' },
  feedback: { rating: 4, placement: 'order-confirmation' },
  consent: { purposes: { tracking: true }, source: 'consent-banner', version: 'privacy-1' },
  identify: { consent: { push: true }, pushEndpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/abc' },
};

/** A `consent` event granting tracking: behaviour at or after its timestamp is kept under the opt-in default. */
export const trackingGrantFactory = (overrides: Partial<IngestedEvent> = {}): IngestedEvent =>
  ingestedEventFactory({ type: 'consent', properties: { purposes: { tracking: true }, source: 'consent-banner', version: 'privacy-1' }, ...overrides });

/** A grant per user of `events`, at that user's earliest event: the fixture of tests about what behaviour does once kept. */
export const trackingGrantsFor = (events: readonly IngestedEvent[]): IngestedEvent[] => {
  const earliest = new Map<string, IngestedEvent>();
  for (const event of events) {
    const key = event.userId ?? `anonymous:${event.anonymousId}`;
    const seen = earliest.get(key);
    if (!seen || Date.parse(event.timestamp) < Date.parse(seen.timestamp)) earliest.set(key, event);
  }
  return [...earliest.values()].map(({ userId, anonymousId, timestamp, receivedAt }) =>
    trackingGrantFactory({ userId, anonymousId, timestamp, receivedAt, insertId: `grant-${userId ?? anonymousId}` }),
  );
};

/** A Kinesis record as Lambda hands it to the core (base64 data). */
export const encodedRecordFactory = (payload: unknown, sequenceNumber = String(++counter)): EncodedRecord => ({
  sequenceNumber,
  partitionKey: 'user-1',
  data: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64'),
});

export const profileFactory = (overrides: Partial<Profile> = {}): Profile => ({
  ...emptyProfile(overrides.userId ?? 'user-1'),
  version: 1,
  consent: { push: { granted: true, at: '2026-11-01T00:00:00.000Z', source: 'identify' } },
  channels: { push: { endpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/abc', at: '2026-11-01T00:00:00.000Z' } },
  ...overrides,
});

export const intentFactory = (overrides: Partial<Intent> = {}): Intent => {
  const base = { userId: 'user-1', campaignId: 'related-products-after-purchase', occurrence: 'evt-purchase-1' };
  return {
    ...base,
    messageId: messageIdFor({ ...base, ...overrides }),
    channel: 'push',
    triggeredAt: '2026-11-22T10:05:00.000Z',
    context: { purchasedProductIds: ['P-1'] },
    ...overrides,
  };
};
