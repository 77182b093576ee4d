import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TEST_YEAR } from '../helpers/test-calendar';
import { endpointOf, virtualClockStack } from '../helpers/virtual-clock-stack';

/** A Tuesday, 10:00 in London (UTC in winter). */
const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const MINUTE = 60_000;

/**
 * Identity through the whole local stack: a shopper browses anonymously, then logs in, and the seed
 * "viewed but no add-to-cart" campaign sends its coupon to the logged-in user; the anonymous device's
 * later events land on the user.
 */
describe('an anonymous browse, then a login, on a virtual clock', () => {
  const harness = virtualClockStack(T0);
  const { event, post, pushesTo, at } = harness;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const profileOf = async (userId: string) =>
    (await harness.stack.clients.dynamo.send(new GetCommand({ TableName: harness.stack.stack.resources.Profiles!.name, Key: { userId }, ConsistentRead: true }))).Item;
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
    expect(await post(...browseAnonymously('device-a', 'P1'), ...browseAnonymously('device-b', 'P2'))).toMatchObject({ accepted: 4, rejected: [] });

    // Act: both log in five minutes later; one adds the product to the cart as the user
    harness.setNow(T0 + 5 * MINUTE);
    await post(...logIn('anna', 'device-a'), ...logIn('ben', 'device-b'));
    harness.setNow(T0 + 10 * MINUTE);
    await post(event({ userId: 'ben' }, 'add_to_cart', { productId: 'P2', quantity: 1, price: 9.99 }));
    await at(T0 + 29 * MINUTE);
    const early = pushesTo('anna').length;
    await at(T0 + 31 * MINUTE);
    // the app still sends the anonymous id on a screen it shows before its session is restored
    await post(event({ anonymousId: 'device-a' }, 'page_view', { page: '/home' }));

    // Assess
    expect(early).toBe(0);
    expect(pushesTo('anna')).toHaveLength(1);
    expect(pushesTo('anna')[0]).toContain('WELCOME15');
    expect(pushesTo('ben')).toHaveLength(0);
    expect(await profileOf('anonymous:device-a')).toMatchObject({ mergedInto: 'anna' });
    expect(await profileOf('anna')).toMatchObject({ counters: { consent: 1, product_view: 1, identify: 1, login: 1, page_view: 1 }, aliases: ['anonymous:device-a'] });
    expect((await profileOf('anna'))?.consent.tracking).toMatchObject({ granted: true, source: 'consent-banner' });
  });
});
