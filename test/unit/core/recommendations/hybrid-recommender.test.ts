import { RecommendationConfigInvalidError } from '../../../../layers/core/recommendations/errors';
import { HybridRecommender, interestsOf } from '../../../../layers/core/recommendations/hybrid-recommender';
import type { Recommender } from '../../../../layers/core/ports';
import { emptyProfile } from '../../../../layers/core/profile/profile';
import { handMadeModel } from '../../../helpers/recommendation-factories';

const model = handMadeModel(
  [
    { id: 'mug', description: 'WHITE MUG', popularity: 10, collaborative: { bag: 0.9, tree: 0.1 } },
    { id: 'bag', description: 'RED BAG', popularity: 5 },
    { id: 'tree', description: 'CHRISTMAS TREE', popularity: 1 },
    { id: 'lights', description: 'CHRISTMAS LIGHTS', popularity: 3 },
  ],
  { 'uci-1': { items: { mug: 1 }, bought: 1 } },
);

describe('HybridRecommender', () => {
  it('implements the Recommender port for a known user, leaving out what they bought', async () => {
    // Prepare
    const recommender: Recommender = new HybridRecommender(model);

    // Act
    const items = await recommender.recommend({ userId: 'uci-1', count: 2 });

    // Assess: bag = 0.4·1 + 0.3·(5/5) = 0.7 beats tree = 0.4·(0.1/0.9) + 0.3·(1/5) = 0.104 and lights = 0.3·(3/5) = 0.18
    expect(items).toEqual(['bag', 'lights']);
  });

  it('honours exclude, seeds and the business rule', async () => {
    // Prepare: the bag is out of stock
    const recommender = new HybridRecommender(model, { isEligible: (id) => id !== 'bag' });

    // Act: an anonymous visitor who just looked at the mug, the lights excluded by the campaign
    const items = await recommender.recommend({ userId: 'anonymous:9', count: 3, seedProductIds: ['mug'], exclude: ['lights'] });

    // Assess: only the tree is left
    expect(items).toEqual(['tree']);
  });

  it('uses the profile’s category scores on a cold start', async () => {
    // Prepare
    const profile = { ...emptyProfile('new-user'), categoryScores: { christmas: 8 } };

    // Act
    const items = await new HybridRecommender(model).recommend({ userId: 'new-user', profile, count: 2 });

    // Assess: lights = 0.3·1 + 0.3·(3/10) = 0.39, tree = 0.3 + 0.03 = 0.33, mug = 0.3
    expect(items).toEqual(['lights', 'tree']);
  });

  it('reads interests from the category scores, else from interest tags', () => {
    expect(interestsOf(undefined)).toBeUndefined();
    expect(interestsOf({ ...emptyProfile('a'), categoryScores: { kitchen: 3, garden: 0 } })).toEqual({ kitchen: 3 });
    expect(interestsOf({ ...emptyProfile('a'), tags: ['night-active', 'interest:christmas'] })).toEqual({ christmas: 1 });
    expect(interestsOf(emptyProfile('a'))).toBeUndefined();
  });

  it('takes other weights, and refuses ones that cannot rank', async () => {
    const popularOnly = new HybridRecommender(model, { weights: { collaborative: 0, content: 0, popularity: 1 } });
    expect(await popularOnly.recommend({ userId: 'uci-1', count: 3 })).toEqual(['bag', 'lights', 'tree']);
    expect(() => new HybridRecommender(model, { weights: { collaborative: 0, content: 0, popularity: 0 } })).toThrow(RecommendationConfigInvalidError);
  });

  it('tells which model version answers', () => {
    expect(new HybridRecommender(model).modelVersion).toBe('hand-made');
  });

  it('tells what it saw a user buy, and not what they only viewed', () => {
    // Prepare: uci-2 bought the bag, then only viewed the tree
    const withViews = handMadeModel([{ id: 'bag' }, { id: 'tree' }], { 'uci-2': { items: { bag: 1, tree: 0.3 }, bought: 1 } });

    // Act
    const recommender = new HybridRecommender(withViews);

    // Assess
    expect(recommender.boughtBy('uci-2')).toEqual(['bag']);
    expect(recommender.boughtBy('unknown')).toEqual([]);
  });
});
