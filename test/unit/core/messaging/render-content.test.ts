import { resolve } from 'node:path';
import { loadCampaignFiles } from '../../../../scripts/campaigns/load-campaign-files';
import { renderContent, selectVariant } from '../../../../layers/core/messaging/render-content';
import { toPushContent, toSnsPushMessage } from '../../../../layers/core/messaging/render-push';
import { PopularItemsRecommender, POPULAR_ITEMS } from '../../../../layers/adapters/popular-items-recommender';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { intentFactory, profileFactory } from '../../../helpers/factories';

const NOW = new Date('2026-12-01T09:00:00.000Z');

const campaign = campaignFactory({
  content: [
    { name: 'new-users', when: { lifecycleStages: ['new'] }, title: 'Welcome {{firstName}}', body: 'Use {{coupon}} on {{product1}}', coupon: 'WELCOME15', recommendations: 1 },
    { name: 'high-value', when: { tagsAny: ['high-spender'] }, title: 'For you', body: 'Early access: {{product1}}, {{product2}}', recommendations: 2 },
    { name: 'default', title: 'Hello', body: 'Still interested in {{productId}}?', recommendations: 0, deepLink: 'app://product/{{productId}}' },
  ],
});

describe('selectVariant', () => {
  it.each([
    ['the first matching segment', { lifecycleStage: 'new' as const, tags: ['high-spender'] }, 'new-users'],
    ['a later segment', { lifecycleStage: 'stable' as const, tags: ['high-spender'] }, 'high-value'],
    ['the default', { lifecycleStage: 'growth' as const, tags: [] }, 'default'],
  ])('picks %s', (_case, overrides, name) => {
    expect(selectVariant(campaign, profileFactory(overrides), NOW)?.name).toBe(name);
  });

  it('has nothing to pick without a default', () => {
    expect(selectVariant({ ...campaign, content: campaign.content.slice(0, 1) }, profileFactory(), NOW)).toBeUndefined();
  });
});

describe('renderContent', () => {
  const [newUsers, highValue, fallback] = campaign.content as [typeof campaign.content[0], typeof campaign.content[0], typeof campaign.content[0]];

  it('fills the name, coupon and recommendation slots', () => {
    // Act
    const result = renderContent({ variant: newUsers, intent: intentFactory(), profile: profileFactory({ traits: { firstName: 'Ada' } }), recommendations: ['85123A'] });

    // Assess
    expect(result).toEqual({
      ok: true,
      content: expect.objectContaining({ variant: 'new-users', title: 'Welcome Ada', body: 'Use WELCOME15 on 85123A', smsText: 'Welcome Ada: Use WELCOME15 on 85123A', productIds: ['85123A'] }),
    });
  });

  it('leaves an unknown first name empty, as the campaign contract says', () => {
    const result = renderContent({ variant: newUsers, intent: intentFactory(), profile: profileFactory(), recommendations: ['p'] });
    expect(result.ok && result.content.title).toBe('Welcome ');
  });

  it('fills the product of the trigger, URL-encoded in the deep link', () => {
    const result = renderContent({ variant: fallback, intent: intentFactory({ context: { productId: 'A B/1' } }), profile: profileFactory(), recommendations: [] });
    expect(result.ok && [result.content.body, result.content.deepLink]).toEqual(['Still interested in A B/1?', 'app://product/A%20B%2F1']);
  });

  it('reports recommendation slots it cannot fill, so the message is not sent with a hole', () => {
    expect(renderContent({ variant: highValue, intent: intentFactory(), profile: profileFactory(), recommendations: ['only-one'] })).toEqual({ ok: false, missing: ['product2'] });
  });

  it('makes a push whose data carries the ids the app attributes opens with', () => {
    // Prepare
    const intent = intentFactory();
    const result = renderContent({ variant: highValue, intent, profile: profileFactory(), recommendations: ['a', 'b'] });
    if (!result.ok) throw new Error('expected content');

    // Act
    const message = JSON.parse(toSnsPushMessage(toPushContent(result.content, intent)));

    // Assess
    expect(message.default).toBe('Early access: a, b');
    expect(JSON.parse(message.GCM).fcmV1Message.message).toEqual({
      notification: { title: 'For you', body: 'Early access: a, b' },
      data: { messageId: intent.messageId, campaignId: intent.campaignId, variant: 'high-value', deepLink: 'app://product/P-1', productIds: 'a,b' },
    });
    expect(JSON.parse(message.APNS).aps.alert.title).toBe('For you');
  });
});

describe('PopularItemsRecommender', () => {
  it('ships a list derived from the retail data', () => {
    expect(POPULAR_ITEMS.length).toBeGreaterThanOrEqual(20);
    expect(POPULAR_ITEMS[0]).toEqual({ productId: expect.any(String), name: expect.any(String), buyers: expect.any(Number) });
  });

  it('recommends the most popular items the user did not buy and the message is not about', async () => {
    // Prepare
    const recommender = new PopularItemsRecommender([
      { productId: 'a', name: 'A', buyers: 9 },
      { productId: 'b', name: 'B', buyers: 8 },
      { productId: 'c', name: 'C', buyers: 7 },
      { productId: 'd', name: 'D', buyers: 6 },
    ]);

    // Act
    const picked = await recommender.recommend({ userId: 'u', count: 2, exclude: ['a'], seedProductIds: ['b'] });

    // Assess
    expect(picked).toEqual(['c', 'd']);
  });
});

describe('the seed campaigns (events/campaigns)', () => {
  const campaigns = loadCampaignFiles(resolve(__dirname, '../../../../events/campaigns'));

  it.each(campaigns.flatMap((c) => c.content.map((variant) => [c.id, variant.name, variant] as const)))('%s renders its %s variant completely', async (_id, _name, variant) => {
    // Prepare: the popular items, minus what the user bought (and the product of a custom event, for `{{event.productId}}`)
    const intent = intentFactory({ context: { productId: '85123A', 'event.productId': '85123A', purchasedProductIds: ['22423'] } });
    const recommendations = await new PopularItemsRecommender().recommend({ userId: 'u', count: variant.recommendations, exclude: ['22423'], seedProductIds: ['85123A'] });

    // Act
    const result = renderContent({ variant, intent, profile: profileFactory({ traits: { firstName: 'Ada' } }), recommendations });

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const text of [result.content.title, result.content.body, result.content.smsText, result.content.deepLink]) expect(text).not.toMatch(/\{\{|\}\}/);
    expect(result.content.productIds).not.toContain('22423');
  });
});
