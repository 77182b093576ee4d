import { RecommendationConfigInvalidError, RecommendationRequestInvalidError } from '../../../../layers/core/recommendations/errors';
import { checkScoringConfig, DEFAULT_BLEND, DEFAULT_SCORING, recommendItems, type BlendWeights } from '../../../../layers/core/recommendations/recommend-items';
import { handMadeModel } from '../../../helpers/recommendation-factories';

/**
 * u bought a (history weight 1). a's collaborative neighbours: b 0.8, c 0.4; its content neighbours:
 * c 0.5, d 0.25. Popularity: a 10, b 1, c 2, d 4, e 8 (e is only popular).
 */
const model = handMadeModel(
  [
    { id: 'a', popularity: 10, collaborative: { b: 0.8, c: 0.4 }, content: { c: 0.5, d: 0.25 } },
    { id: 'b', popularity: 1 },
    { id: 'c', popularity: 2 },
    { id: 'd', popularity: 4 },
    { id: 'e', popularity: 8 },
  ],
  { u: { items: { a: 1 }, bought: 1 } },
);
const withWeights = (weights: BlendWeights) => ({ ...DEFAULT_SCORING, weights });
const ids = (items: { itemId: string }[]) => items.map((item) => item.itemId);

describe('recommendItems', () => {
  it('blends the per-user max-normalised components 40/30/30 by default', () => {
    // Act
    const ranked = recommendItems(model, { userId: 'u', count: 10 });

    // Assess — candidates b, c, d, e (a is bought). Normalised by the candidates' maxima:
    //   cf:      b 0.8/0.8 = 1,  c 0.4/0.8 = 0.5, d 0, e 0
    //   content: c 0.5/0.5 = 1,  d 0.25/0.5 = 0.5, b 0, e 0
    //   pop:     b 1/8 = 0.125, c 2/8 = 0.25, d 4/8 = 0.5, e 8/8 = 1
    //   c = 0.4·0.5 + 0.3·1   + 0.3·0.25  = 0.575
    //   b = 0.4·1   + 0.3·0   + 0.3·0.125 = 0.4375
    //   e = 0       + 0       + 0.3·1     = 0.3
    //   d = 0       + 0.3·0.5 + 0.3·0.5   = 0.3   (tie with e: the more popular e first)
    expect(DEFAULT_BLEND).toEqual({ collaborative: 0.4, content: 0.3, popularity: 0.3 });
    expect(ids(ranked)).toEqual(['c', 'b', 'e', 'd']);
    expect(ranked.map((r) => r.score)).toEqual([expect.closeTo(0.575, 12), expect.closeTo(0.4375, 12), expect.closeTo(0.3, 12), expect.closeTo(0.3, 12)]);
    expect(ranked[0]).toEqual({ itemId: 'c', score: expect.closeTo(0.575, 12), collaborative: 0.5, content: 1, popularity: 0.25 });
  });

  it.each<[string, BlendWeights, string[]]>([
    // cf only: b 1, c 0.5, then d and e at 0 (e more popular)
    ['collaborative only', { collaborative: 1, content: 0, popularity: 0 }, ['b', 'c', 'e', 'd']],
    // content only: c 1, d 0.5, then b and e at 0 (e more popular)
    ['content only', { collaborative: 0, content: 1, popularity: 0 }, ['c', 'd', 'e', 'b']],
    ['popularity only', { collaborative: 0, content: 0, popularity: 1 }, ['e', 'd', 'c', 'b']],
    // b = 0.9·1 + 0.1·0.125 = 0.9125; c = 0.9·0.5 + 0.1·0.25 = 0.475; e = 0.1; d = 0.05
    ['90/0/10', { collaborative: 0.9, content: 0, popularity: 0.1 }, ['b', 'c', 'e', 'd']],
    // c = 0.2·0.5 + 0.8·1 = 0.9; d = 0.8·0.5 = 0.4; b = 0.2·1 = 0.2; e = 0
    ['20/80/0', { collaborative: 0.2, content: 0.8, popularity: 0 }, ['c', 'd', 'b', 'e']],
  ])('honours the weights: %s', (_name, weights, expected) => {
    expect(ids(recommendItems(model, { userId: 'u', count: 10 }, withWeights(weights)))).toEqual(expected);
  });

  it('scales weights that do not sum to 1 to the same ranking', () => {
    const scaled = withWeights({ collaborative: 4, content: 3, popularity: 3 });
    expect(ids(recommendItems(model, { userId: 'u', count: 10 }, scaled))).toEqual(['c', 'b', 'e', 'd']);
  });

  it('never recommends what the user bought, what the request excludes, or what the business rule refuses', () => {
    // Act
    const ranked = recommendItems(model, { userId: 'u', count: 10, exclude: ['b', 'unknown-item'], isEligible: (id) => id !== 'e' });

    // Assess: a bought, b excluded, e out of stock
    expect(ids(ranked)).toEqual(['c', 'd']);
  });

  it('still recommends what the user only viewed', () => {
    // Prepare: v bought a, and viewed c (weight 0.5, after the bought one).
    const viewer = handMadeModel(
      [
        { id: 'a', popularity: 10, collaborative: { c: 0.4 } },
        { id: 'c', popularity: 2 },
      ],
      { v: { items: { a: 1, c: 0.5 }, bought: 1 } },
    );

    // Act + Assess
    expect(ids(recommendItems(viewer, { userId: 'v', count: 5 }))).toEqual(['c']);
  });

  it('treats seeds as the strongest history and never recommends them', () => {
    // Act: an anonymous user looking at a
    const ranked = recommendItems(model, { count: 2, seedItemIds: ['a', 'not-in-model'] }, withWeights({ collaborative: 1, content: 0, popularity: 0 }));

    // Assess: a's neighbours b (0.8) then c (0.4); a itself is left out
    expect(ids(ranked)).toEqual(['b', 'c']);
  });

  it('answers a cold start with popular items', () => {
    // Act: a user the model never saw, no interests
    const ranked = recommendItems(model, { userId: 'new-user', count: 3 });

    // Assess: only popularity has signal: a 10, e 8, d 4
    expect(ids(ranked)).toEqual(['a', 'e', 'd']);
  });

  it('lifts items matching the user’s interests on a cold start', () => {
    // Prepare: a popular mug and a less popular Christmas tree (by description) and cracker (by category)
    const shop = handMadeModel([
      { id: 'mug', description: 'WHITE MUG', popularity: 10 },
      { id: 'tree', description: 'CHRISTMAS TREE', popularity: 1 },
      { id: 'cracker', description: 'CRACKER', categories: ['christmas'], popularity: 2 },
      { id: 'bag', description: 'RED BAG', popularity: 5 },
    ]);

    // Act
    const ranked = recommendItems(shop, { userId: 'anonymous:1', count: 4, interests: { Christmas: 5, 'home decor': 3 } });

    // Assess — interest (content) matches: tree 5, cracker 5 → 1 each; "home decor" matches nothing.
    //   cracker = 0.3·1 + 0.3·0.2 = 0.36; tree = 0.3·1 + 0.3·0.1 = 0.33; mug = 0.3·1 = 0.3; bag = 0.3·0.5 = 0.15
    expect(ids(ranked)).toEqual(['cracker', 'tree', 'mug', 'bag']);
    expect(ids(recommendItems(shop, { userId: 'anonymous:1', count: 4 }))).toEqual(['mug', 'bag', 'cracker', 'tree']);
  });

  it('tops up a short candidate list with the next most popular items', () => {
    // Act: no popular candidates configured, no history
    const ranked = recommendItems(model, { userId: 'new-user', count: 2 }, { ...DEFAULT_SCORING, popularCandidates: 0 });

    // Assess
    expect(ids(ranked)).toEqual(['a', 'e']);
  });

  it('returns at most count items, and none for 0', () => {
    expect(recommendItems(model, { userId: 'u', count: 2 })).toHaveLength(2);
    expect(recommendItems(model, { userId: 'u', count: 0 })).toEqual([]);
  });

  it('refuses a count that is not a whole number ≥ 0', () => {
    expect(() => recommendItems(model, { userId: 'u', count: -1 })).toThrow(RecommendationRequestInvalidError);
    expect(() => recommendItems(model, { userId: 'u', count: 2.5 })).toThrow('count must be a whole number ≥ 0, got 2.5');
  });

  it('refuses weights that cannot rank', () => {
    expect(() => checkScoringConfig(withWeights({ collaborative: -1, content: 0, popularity: 0 }))).toThrow(RecommendationConfigInvalidError);
    expect(() => checkScoringConfig(withWeights({ collaborative: 0, content: 0, popularity: 0 }))).toThrow('at least one weight must be > 0');
    expect(() => checkScoringConfig({ ...DEFAULT_SCORING, popularCandidates: -5 })).toThrow('popularCandidates must be a whole number ≥ 0, got -5');
  });

  it('is deterministic', () => {
    const first = recommendItems(model, { userId: 'u', count: 10 });
    expect(recommendItems(model, { userId: 'u', count: 10 })).toEqual(first);
  });
});
