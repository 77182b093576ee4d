import { TEST_YEAR } from '../helpers/test-calendar';
import { endpointOf, virtualClockStack } from '../helpers/virtual-clock-stack';

/** A Tuesday, 10:00 in London (UTC in winter). */
const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * A custom event through the whole local stack: `wishlist_add` (registered) starts the seed campaign
 * wishlist-reminder, whose audience counts the same custom event over 7 days, and whose message names the
 * product from the event; an unregistered custom event and a standard event's own properties are accepted,
 * and what breaks the limits is refused by field.
 */
describe('custom events on a virtual clock', () => {
  const harness = virtualClockStack(T0);
  const { post, pushesTo, at } = harness;
  const event = (userId: string, type: string, properties: Record<string, unknown> = {}, offsetMs = 0) => harness.event({ userId }, type, properties, offsetMs);

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const identify = (userId: string) => event(userId, 'identify', { timeZone: 'Europe/London', pushEndpointArn: endpointOf(userId), consent: { tracking: true, push: true } }, -DAY);

  it('drives a trigger and its audience, names the product, and refuses what breaks the limits by field', async () => {
    // Prepare
    await post(identify('keen'), identify('once'), identify('carted'));

    // Act
    const accepted = await post(
      event('keen', 'wishlist_add', { productId: 'MUG-1', category: 'kitchen' }),
      event('keen', 'wishlist_add', { productId: 'PAN-2', category: 'kitchen' }, MINUTE),
      event('once', 'wishlist_add', { productId: 'MUG-1', category: 'kitchen' }),
      event('carted', 'wishlist_add', { productId: 'MUG-1' }),
      event('carted', 'wishlist_add', { productId: 'PAN-2' }, MINUTE),
      event('keen', 'search', { query: 'enamel mug', filters: { colour: 'blue' } }),
      event('keen', 'product_view', { productId: 'MUG-1', custom: { colour: 'blue' } }),
    );
    const refused = await post(event('keen', 'search', { query: 'x'.repeat(2_000) }), event('keen', 'wishlist_add', { productId: 'MUG-1', colour: 'blue' }), event('keen', 'app_rated', { stars: 5 }));
    harness.setNow(T0 + DAY);
    await post(event('carted', 'add_to_cart', { productId: 'MUG-1', quantity: 1, price: 9.5 }));
    await at(T0 + 2 * DAY - MINUTE);
    const early = pushesTo('keen').length;
    // The first save's timer is due on the minute, the second's a minute later: one sweep each.
    await at(T0 + 2 * DAY);
    await at(T0 + 2 * DAY + 2 * MINUTE);

    // Assess
    expect(accepted).toMatchObject({ accepted: 7, rejected: [] });
    expect(refused.accepted).toBe(1);
    expect(refused.rejected.map((r) => r.errors.map((e) => `${e.path} ${e.code}`))).toEqual([['properties.query OUT_OF_RANGE'], ['properties.colour UNKNOWN_FIELD']]);
    expect(early).toBe(0);
    // Two saved products, one message: the campaign's 3-day cap holds the second.
    expect(pushesTo('keen')).toEqual(['MUG-1 is waiting in your wishlist. Add it to your cart before it sells out.']);
    // One save this week: not in the audience, so nothing was armed.
    expect(pushesTo('once')).toEqual([]);
    // The carted product's timer was cancelled; the other one fires.
    expect(pushesTo('carted')).toEqual(['PAN-2 is waiting in your wishlist. Add it to your cart before it sells out.']);
  });
});
