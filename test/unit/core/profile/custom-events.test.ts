import { matchesAudience } from '../../../../layers/core/campaigns/match-audience';
import { mergeProfiles } from '../../../../layers/core/identity/merge-profiles';
import { MAX_CUSTOM_EVENT_TYPES } from '../../../../layers/core/profile/custom-events';
import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import { emptyProfile } from '../../../../layers/core/profile/profile';
import { renderContent } from '../../../../layers/core/messaging/render-content';
import { evaluateTriggers } from '../../../../layers/core/triggers/evaluate-triggers';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { ingestedEventFactory } from '../../../helpers/factories';

const day = (d: number, hour = 10) => `2026-11-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const wish = (d: number, productId: string, insertId = `wish-${d}-${productId}`) => ingestedEventFactory({ type: 'wishlist_add', insertId, timestamp: day(d), properties: { productId, category: 'kitchen' } });

describe('custom events in the profile', () => {
  it('counts each type per day and keeps the latest event’s scalar values, whatever order events arrive in', () => {
    // Prepare
    const events = [wish(20, 'P-1'), wish(22, 'P-2'), wish(22, 'P-3', 'wish-late'), ingestedEventFactory({ type: 'search', timestamp: day(21), properties: { query: 'mug', filters: { colour: 'red' } } })];

    // Act
    const inOrder = foldProfile(emptyProfile('ann'), events).profile;
    const reversed = foldProfile(foldProfile(emptyProfile('ann'), events.slice(2)).profile, events.slice(0, 2).reverse()).profile;

    // Assess
    expect(inOrder.customEvents).toEqual({
      wishlist_add: { count: 3, firstAt: day(20), lastAt: day(22), days: { '2026-11-20': 1, '2026-11-22': 2 }, last: { productId: 'P-3', category: 'kitchen' } },
      search: { count: 1, firstAt: day(21), lastAt: day(21), days: { '2026-11-21': 1 }, last: { query: 'mug' } },
    });
    expect(reversed.customEvents).toEqual(inOrder.customEvents);
    expect(inOrder.counters).toMatchObject({ wishlist_add: 3, search: 1 });
    expect(inOrder.activityDays).toEqual({});
  });

  it('keeps the most recently seen types only, and the latest purchase per category', () => {
    // Prepare
    const many = Array.from({ length: MAX_CUSTOM_EVENT_TYPES + 2 }, (_, i) => ingestedEventFactory({ type: `event_${String(i).padStart(2, '0')}`, timestamp: day(1 + i) }));
    const purchase = ingestedEventFactory({ type: 'purchase', timestamp: day(25), properties: { orderId: 'o-1', currency: 'GBP', items: [{ productId: 'P-1', category: 'kitchen', quantity: 1, price: 5 }] } });

    // Act
    const profile = foldProfile(emptyProfile('ann'), [...many, purchase]).profile;

    // Assess
    expect(Object.keys(profile.customEvents ?? {})).toHaveLength(MAX_CUSTOM_EVENT_TYPES);
    expect(profile.customEvents).not.toHaveProperty('event_00');
    expect(profile.lastPurchaseByCategory).toEqual({ kitchen: day(25) });
  });

  it('merges two profiles’ custom events: counts add up, the latest values win', () => {
    const user = foldProfile(emptyProfile('ann'), [wish(20, 'P-1')]).profile;
    const anonymous = foldProfile(emptyProfile('anonymous:d'), [wish(20, 'P-9', 'w-anon'), wish(21, 'P-2')]).profile;
    expect(mergeProfiles(user, anonymous).customEvents?.wishlist_add).toEqual({ count: 3, firstAt: day(20), lastAt: day(21), days: { '2026-11-20': 2, '2026-11-21': 1 }, last: { productId: 'P-2', category: 'kitchen' } });
  });
});

describe('audiences over custom events and purchases', () => {
  const profile = foldProfile(emptyProfile('ann'), [
    wish(16, 'P-0'),
    wish(20, 'P-1'),
    wish(22, 'P-2'),
    ingestedEventFactory({ type: 'subscription_renewed', timestamp: day(21), properties: { plan: 'premium', months: 12 } }),
    ingestedEventFactory({ type: 'purchase', timestamp: day(1), properties: { orderId: 'o-1', currency: 'GBP', items: [{ productId: 'P-1', category: 'garden', quantity: 1, price: 5 }] } }),
  ]).profile;
  const now = new Date(day(22, 18));

  it('counts a custom event over the last N days, today included', () => {
    expect(matchesAudience(profile, { eventCountWithin: { event: 'wishlist_add', atLeast: 2, days: 3 } }, now)).toBe(true);
    expect(matchesAudience(profile, { eventCountWithin: { event: 'wishlist_add', atLeast: 3, days: 3 } }, now)).toBe(false);
    expect(matchesAudience(profile, { eventCountWithin: { event: 'wishlist_add', atLeast: 3, days: 7 } }, now)).toBe(true);
    expect(matchesAudience(profile, { eventCountWithin: { event: 'never_seen', atLeast: 1, days: 7 } }, now)).toBe(false);
  });

  it('reads a category’s latest purchase and the latest custom event’s values', () => {
    expect(matchesAudience(profile, { purchasedInCategoryWithinDays: { category: 'garden', days: 30 } }, now)).toBe(true);
    expect(matchesAudience(profile, { purchasedInCategoryWithinDays: { category: 'garden', days: 14 } }, now)).toBe(false);
    expect(matchesAudience(profile, { purchasedInCategoryWithinDays: { category: 'kitchen', days: 30 } }, now)).toBe(false);
    expect(matchesAudience(profile, { customEventValue: { event: 'subscription_renewed', property: 'plan', is: { equals: 'premium' } } }, now)).toBe(true);
    expect(matchesAudience(profile, { customEventValue: { event: 'subscription_renewed', property: 'months', is: { gte: 24 } } }, now)).toBe(false);
  });
});

describe('custom events in triggers and templates', () => {
  it('counts a custom event toward a `count` trigger like a standard one', () => {
    // Prepare
    const campaign = campaignFactory({ id: 'three-searches', trigger: { event: { type: 'search' }, count: { atLeast: 3, withinMs: 3_600_000 } } });
    const searches = [0, 10, 20].map((minute) => ingestedEventFactory({ type: 'search', insertId: `search-${minute}`, timestamp: new Date(Date.parse(day(22)) + minute * 60_000).toISOString(), properties: { query: 'mug' } }));

    // Act
    const { intents } = evaluateTriggers({ campaigns: [campaign], profile: emptyProfile('ann'), applied: searches, now: new Date(day(22, 11)) });

    // Assess
    expect(intents.map((intent) => intent.occurrence)).toEqual(['search-20']);
  });

  it('fires on a custom event and fills {{event.*}} from it and {{trait.*}} from the profile; a missing value holds the message', () => {
    // Prepare
    const campaign = campaignFactory({
      id: 'wish-thanks',
      trigger: { event: { type: 'wishlist_add', where: { category: { equals: 'kitchen' } } } },
      content: [{ name: 'default', title: 'Saved', body: '{{event.productId}} saved, {{trait.firstName}}', recommendations: 0 }],
    });
    const profile = { ...emptyProfile('ann'), traits: { firstName: 'Ann' } };
    const standard = ingestedEventFactory({ type: 'product_view', properties: { productId: 'P-5', custom: { colour: 'red' } } });

    // Act
    const { intents } = evaluateTriggers({ campaigns: [campaign], profile, applied: [wish(22, 'P-7')], now: new Date(day(22)) });
    const rendered = renderContent({ variant: campaign.content[0]!, intent: intents[0]!, profile, recommendations: [] });
    const missing = renderContent({ variant: campaign.content[0]!, intent: intents[0]!, profile: emptyProfile('ann'), recommendations: [] });
    const onStandard = evaluateTriggers({ campaigns: [{ ...campaign, trigger: { event: { type: 'product_view', where: { 'custom.colour': { equals: 'red' } } } } }], profile, applied: [standard], now: new Date(day(22)) });

    // Assess
    expect(intents).toHaveLength(1);
    expect(rendered).toMatchObject({ ok: true, content: { body: 'P-7 saved, Ann' } });
    expect(missing).toEqual({ ok: false, missing: ['trait.firstName'] });
    expect(onStandard.intents[0]?.context).toMatchObject({ 'event.custom.colour': 'red', productId: 'P-5' });
  });
});
