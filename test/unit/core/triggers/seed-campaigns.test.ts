import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCampaign } from '../../../../layers/core/campaigns/parse-campaign';
import type { IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import { evaluateTriggers, triggerShapeOf } from '../../../../layers/core/triggers/evaluate-triggers';
import { ingestedEventFactory, profileFactory } from '../../../helpers/factories';
import { DAY, MINUTE } from '../../../helpers/trigger-factories';

const SEED_IDS = ['viewed-no-cart-coupon', 'related-products-after-purchase', 'comeback-after-3-days', 'browsed-three-pages'] as const;
const seed = Object.fromEntries(
  SEED_IDS.map((id) => {
    const file = join(__dirname, '../../../../events/campaigns', `${id}.yaml`);
    return [id, parseCampaign(readFileSync(file, 'utf8'), file)];
  }),
) as Record<(typeof SEED_IDS)[number], ReturnType<typeof parseCampaign>>;

const NOW = new Date('2026-11-22T12:00:00.000Z');
const at = (time: string) => `2026-11-22T${time}:00.000Z`;
const event = (type: IngestedEvent['type'], time: string, properties?: IngestedEvent['properties']) =>
  ingestedEventFactory({ userId: 'alice', type, timestamp: at(time), ...(properties ? { properties } : {}) });

/** The seed campaigns, all active, on one batch of a new user's events. */
const evaluate = (events: IngestedEvent[]) => {
  const { profile, applied } = foldProfile(profileFactory({ userId: 'alice' }), events);
  return evaluateTriggers({ campaigns: Object.values(seed), profile, applied, now: NOW });
};
const armed = (events: IngestedEvent[]) =>
  evaluate(events).timers.flatMap((command) => (command.op === 'arm' ? [[command.timer.key, command.timer.dueAt]] : []));

describe('the seed campaigns (events/campaigns/*.yaml)', () => {
  it('use one trigger shape each', () => {
    // Act & Assess
    expect(Object.values(seed).map((c) => [c.id, triggerShapeOf(c.trigger)])).toEqual([
      ['viewed-no-cart-coupon', 'unless'],
      ['related-products-after-purchase', 'after'],
      ['comeback-after-3-days', 'after'],
      ['browsed-three-pages', 'count'],
    ]);
  });

  it('viewed-no-cart-coupon: a view of 3 s or more arms a timer for 30 minutes, unless the product goes in the cart', () => {
    // Prepare
    const view = (dwellMs: number, productId = 'P-1') => event('product_view', '10:00', { productId, dwellMs });

    // Act & Assess
    expect(armed([view(3000)])).toEqual([['viewed-no-cart-coupon#P-1', new Date(Date.parse(at('10:00')) + 30 * MINUTE).toISOString()]]);
    expect(armed([view(2999)])).toEqual([]);
    expect(armed([view(5000), event('add_to_cart', '10:29', { productId: 'P-1', quantity: 1, price: 1 })])).toEqual([]);
    expect(armed([view(5000), event('add_to_cart', '10:29', { productId: 'P-2', quantity: 1, price: 1 })])).toHaveLength(1);
  });

  it('related-products-after-purchase: nothing right after a purchase, a timer for 24 h later', () => {
    // Act
    const { intents } = evaluate([event('purchase', '10:00', { orderId: 'o-1', items: [{ productId: 'P-1', quantity: 1, price: 5 }] })]);

    // Assess
    expect(intents).toEqual([]);
    expect(armed([event('purchase', '10:00')])).toEqual([['related-products-after-purchase#-', new Date(Date.parse(at('10:00')) + DAY).toISOString()]]);
  });

  it('comeback-after-3-days: every login or app open moves one timer to 3 days after it', () => {
    // Act & Assess
    expect(armed([event('app_open', '10:00')])).toEqual([['comeback-after-3-days#-', new Date(Date.parse(at('10:00')) + 3 * DAY).toISOString()]]);
    expect(armed([event('app_open', '10:00'), event('login', '11:00')])).toEqual([['comeback-after-3-days#-', new Date(Date.parse(at('11:00')) + 3 * DAY).toISOString()]]);
  });

  it('browsed-three-pages: fires on the third page view within 30 minutes, not on two', () => {
    // Act
    const three = evaluate([event('page_view', '10:00'), event('page_view', '10:10'), event('page_view', '10:30')]);
    const spread = evaluate([event('page_view', '10:00'), event('page_view', '10:10'), event('page_view', '10:31')]);

    // Assess
    expect(three.intents.map((i) => i.campaignId)).toEqual(['browsed-three-pages']);
    expect(spread.intents).toEqual([]);
  });
});
