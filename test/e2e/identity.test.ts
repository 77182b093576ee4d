import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { TEST_YEAR } from '../helpers/test-calendar';

/** A Tuesday, 10:00 in London (UTC in winter). */
const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const MINUTE = 60_000;
const endpointOf = (userId: string) => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;

/**
 * Identity through the whole local stack: a shopper browses anonymously, then logs in, and the seed
 * "viewed but no add-to-cart" campaign sends its coupon to the logged-in user; the anonymous device's
 * later events land on the user.
 */
describe('an anonymous browse, then a login, on a virtual clock', () => {
  let stack: LocalStack;
  let now = T0;
  let insertIds = 0;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date(now), pollIntervalMs: 50 });
  });
  afterAll(() => stack?.stop());

  const at = async (ms: number) => {
    now = ms;
    await stack.sweepTimers();
    await stack.settle();
  };
  const event = (ids: { userId?: string; anonymousId?: string }, type: string, properties: Record<string, unknown> = {}, offsetMs = 0) => ({
    type,
    insertId: `e2e-identity-${String(++insertIds).padStart(4, '0')}`,
    ...ids,
    timestamp: new Date(now + offsetMs).toISOString(),
    properties,
  });
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
  const profileOf = async (userId: string) =>
    (await stack.clients.dynamo.send(new GetCommand({ TableName: stack.stack.resources.Profiles!.name, Key: { userId }, ConsistentRead: true }))).Item;
  /** The cookie banner, then a product looked at for 5 s, all before logging in. */
  const browseAnonymously = (anonymousId: string, productId: string) => [
    event({ anonymousId }, 'consent', { purposes: { tracking: true }, source: 'consent-banner', version: 'privacy-1' }, -MINUTE),
    event({ anonymousId }, 'product_view', { productId, dwellMs: 5_000 }),
  ];
  const logIn = (userId: string, anonymousId: string) => [
    event({ userId, anonymousId }, 'identify', { timeZone: 'Europe/London', pushEndpointArn: endpointOf(userId), consent: { push: true } }),
    event({ userId, anonymousId }, 'login'),
  ];

  it('sends the coupon to the user who logged in, not if they add the product to the cart, and puts later anonymous events on the user', async () => {
    // Prepare: two shoppers browse anonymously
    await post(...browseAnonymously('device-a', 'P1'), ...browseAnonymously('device-b', 'P2'));

    // Act: both log in five minutes later; one adds the product to the cart as the user
    now = T0 + 5 * MINUTE;
    await post(...logIn('anna', 'device-a'), ...logIn('ben', 'device-b'));
    now = T0 + 10 * MINUTE;
    await post(event({ userId: 'ben' }, 'add_to_cart', { productId: 'P2', quantity: 1, price: 9.99 }));
    await at(T0 + 29 * MINUTE);
    const early = pushesTo('anna').length;
    await at(T0 + 31 * MINUTE);
    // the app still sends the anonymous id on a screen it shows before its session is restored
    await post(event({ anonymousId: 'device-a' }, 'page_view', { page: '/home' }));

    // Assess
    expect(early).toBe(0);
    expect(pushesTo('anna')).toHaveLength(1);
    expect(JSON.parse(pushesTo('anna')[0]!.message).default).toContain('WELCOME15');
    expect(pushesTo('ben')).toHaveLength(0);
    expect(await profileOf('anonymous:device-a')).toMatchObject({ mergedInto: 'anna' });
    expect(await profileOf('anna')).toMatchObject({ counters: { consent: 1, product_view: 1, identify: 1, login: 1, page_view: 1 }, aliases: ['anonymous:device-a'] });
    expect((await profileOf('anna'))?.consent.tracking).toMatchObject({ granted: true, source: 'consent-banner' });
  });
});
