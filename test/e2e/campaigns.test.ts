import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { TEST_YEAR } from '../helpers/test-calendar';

/** A Tuesday, 10:00 in London (UTC in winter): daytime for the London users. */
const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const endpointOf = (userId: string) => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;
const SMS_NUMBER = '+447700900101';
const OPTED_OUT_NUMBER = '+447700900102';

/**
 * The four seed campaigns through the whole local stack (API → ingest → Kinesis → process-events →
 * Timers → sweep → Intents → deliver → SNS), on one virtual clock that the test moves: each fires
 * exactly when it should and not otherwise, and delivery's rules (quiet hours, caps, consent, SMS
 * fallback and opt-out) hold end to end. One user per case; one timeline for all of them.
 */
describe('the seed campaigns on a virtual clock', () => {
  let stack: LocalStack;
  let now = T0;
  let insertIds = 0;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date(now), pollIntervalMs: 50 });
    stack.emulators.directPublishes.optOut(OPTED_OUT_NUMBER);
  });
  afterAll(() => stack?.stop());

  /** Moves the clock, then runs the every-minute sweep once, as Scheduler would at that minute. */
  const at = async (ms: number) => {
    now = ms;
    await stack.sweepTimers();
    await stack.settle();
  };

  const event = (userId: string, type: string, properties: Record<string, unknown> = {}, offsetMs = 0) => ({
    type,
    insertId: `e2e-event-${String(++insertIds).padStart(4, "0")}`,
    userId,
    timestamp: new Date(now + offsetMs).toISOString(),
    properties,
  });

  // An hour early: tracking is granted before the behaviour below, some of which is from minutes ago.
  const identify = (userId: string, overrides: Record<string, unknown> = {}) =>
    event(userId, 'identify', { timeZone: 'Europe/London', pushEndpointArn: endpointOf(userId), consent: { tracking: true, push: true, sms: false }, ...overrides }, -HOUR);

  const post = async (...events: object[]) => {
    const response = await fetch(`${stack.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({ events }),
    });
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    await stack.settle();
  };

  const pushesTo = (userId: string) => stack.emulators.directPublishes.list().filter((p) => p.targetArn === endpointOf(userId));
  const smsTo = (phoneNumber: string) => stack.emulators.directPublishes.list().filter((p) => p.phoneNumber === phoneNumber);

  /** The user's delivery decisions (the ledger's message items), oldest first. */
  const decisionsOf = async (userId: string) => {
    const { Items = [] } = await stack.clients.dynamo.send(
      new QueryCommand({ TableName: stack.stack.resources.Messages!.name, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }),
    );
    return Items.filter((item) => String(item.sk).startsWith('MSG#')).map((item) => ({
      campaignId: item.campaignId,
      status: item.status,
      reason: item.reason,
      ...(item.detail !== undefined && { detail: String(item.detail) }),
    }));
  };

  it('fires each campaign exactly when it should, and never otherwise', async () => {
    // Prepare: who everyone is
    await post(
      ...['view-only', 'view-then-cart', 'short-dwell', 'buyer', 'browser', 'two-pages', 'idle', 'returning', 'capped', 'withdrawn'].map((u) => identify(u)),
      identify('night-buyer', { timeZone: 'America/Los_Angeles' }),
      identify('sms-only', { pushEndpointArn: undefined, phoneNumber: SMS_NUMBER, consent: { tracking: true, push: false, sms: true } }),
      identify('sms-opted-out', { pushEndpointArn: undefined, phoneNumber: OPTED_OUT_NUMBER, consent: { tracking: true, push: false, sms: true } }),
    );

    // Act + Assess, in the order the clock moves
    // 10:00: what each user does
    await post(
      event('view-only', 'product_view', { productId: 'P1', dwellMs: 5_000 }),
      event('view-then-cart', 'product_view', { productId: 'P1', dwellMs: 5_000 }),
      event('short-dwell', 'product_view', { productId: 'P1', dwellMs: 1_000 }),
      event('buyer', 'purchase', { orderId: 'o-1', currency: 'GBP', items: [{ productId: '85123A', quantity: 1, price: 2.55 }] }),
      event('night-buyer', 'purchase', { orderId: 'o-2', currency: 'GBP', items: [{ productId: '85123A', quantity: 1, price: 2.55 }] }),
      ...[-20, -10, 0].map((minutes) => event('browser', 'page_view', { page: '/home' }, minutes * MINUTE)),
      ...[-10, 0].map((minutes) => event('two-pages', 'page_view', { page: '/home' }, minutes * MINUTE)),
      ...[-20, -10, 0].map((minutes) => event('capped', 'page_view', { page: '/home' }, minutes * MINUTE)),
      event('capped', 'product_view', { productId: 'P2', dwellMs: 5_000 }),
      event('withdrawn', 'product_view', { productId: 'P3', dwellMs: 5_000 }),
      ...['idle', 'returning', 'sms-only', 'sms-opted-out'].map((u) => event(u, 'login')),
    );
    await at(T0);
    // three pages within 30 minutes fire at once; two do not
    expect(pushesTo('browser')).toHaveLength(1);
    expect(pushesTo('two-pages')).toHaveLength(0);
    expect(pushesTo('capped')).toHaveLength(1);

    // 10:10: one viewer adds the product to the cart, another withdraws push consent
    now = T0 + 10 * MINUTE;
    await post(event('view-then-cart', 'add_to_cart', { productId: 'P1', quantity: 1, price: 9.99 }), identify('withdrawn', { consent: { push: false } }));

    // 10:29: not yet 30 minutes without an add-to-cart
    await at(T0 + 29 * MINUTE);
    expect(pushesTo('view-only')).toHaveLength(0);

    // 10:31: the coupon for the viewer who did not add it, and for nobody else
    await at(T0 + 31 * MINUTE);
    expect(pushesTo('view-only')).toHaveLength(1);
    expect(JSON.parse(pushesTo('view-only')[0]!.message).default).toContain('WELCOME15');
    expect(pushesTo('view-then-cart')).toHaveLength(0);
    expect(pushesTo('short-dwell')).toHaveLength(0);
    // a second marketing message within 24 h is held back by the cap, and a withdrawn consent is honoured
    expect(pushesTo('capped')).toHaveLength(1);
    expect(await decisionsOf('capped')).toEqual(
      expect.arrayContaining([expect.objectContaining({ campaignId: 'viewed-no-cart-coupon', status: 'suppressed', reason: 'FREQUENCY_CAP_MARKETING' })]),
    );
    expect(pushesTo('withdrawn')).toHaveLength(0);
    expect(await decisionsOf('withdrawn')).toEqual([expect.objectContaining({ campaignId: 'viewed-no-cart-coupon', status: 'suppressed', reason: 'CONSENT_WITHDRAWN' })]);

    // a day after the purchase, less a minute: nothing; on the minute: the related products
    await at(T0 + DAY - MINUTE);
    expect(pushesTo('buyer')).toHaveLength(0);
    await at(T0 + DAY + MINUTE);
    expect(pushesTo('buyer')).toHaveLength(1);
    // 02:01 in Los Angeles: deferred to the end of the user's quiet hours, then sent at 08:00 there
    expect(pushesTo('night-buyer')).toHaveLength(0);
    expect(await decisionsOf('night-buyer')).toEqual([expect.objectContaining({ campaignId: 'related-products-after-purchase', status: 'deferred' })]);
    await at(Date.parse(`${TEST_YEAR}-11-25T16:01:00.000Z`));
    expect(pushesTo('night-buyer')).toHaveLength(1);

    // day 2: one of the quiet users logs in again, which moves their 3-day timer
    now = T0 + 2 * DAY;
    await post(event('returning', 'login'));

    // 3 days after the last login: the comeback push, or the SMS when push is not possible
    await at(T0 + 3 * DAY - MINUTE);
    expect(pushesTo('idle')).toHaveLength(0);
    await at(T0 + 3 * DAY + MINUTE);
    expect(pushesTo('idle')).toHaveLength(1);
    expect(pushesTo('returning')).toHaveLength(0);
    expect(smsTo(SMS_NUMBER)).toHaveLength(1);
    expect(smsTo(OPTED_OUT_NUMBER)).toHaveLength(0);
    // push was never possible for them; the number is on SNS's opt-out list: both reasons are recorded
    const [optedOut] = await decisionsOf('sms-opted-out');
    expect(optedOut).toMatchObject({ campaignId: 'comeback-after-3-days', status: 'suppressed', reason: 'CONSENT_WITHDRAWN' });
    expect(optedOut?.detail).toContain('sms:SMS_OPTED_OUT');
    await at(T0 + 5 * DAY + MINUTE);
    expect(pushesTo('returning')).toHaveLength(1);

    // and nobody got anything else
    expect(pushesTo('two-pages')).toHaveLength(0);
    expect(pushesTo('view-then-cart')).toHaveLength(0);
    expect(pushesTo('short-dwell')).toHaveLength(0);
    expect(pushesTo('browser')).toHaveLength(1);
    expect(pushesTo('buyer')).toHaveLength(1);
    expect(pushesTo('view-only')).toHaveLength(1);
  });
});
