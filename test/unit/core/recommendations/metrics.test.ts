import { catalogueCoverage, evaluateRankings, hitAtK, ndcgAtK, recallAtK } from '../../../../layers/core/recommendations/metrics';

describe('ranking metrics', () => {
  // Recommended a, b, c, d (best first); the user went on to buy b, d and x.
  const recommended = ['a', 'b', 'c', 'd'];
  const relevant = new Set(['b', 'd', 'x']);

  it('counts a hit when any of the first k is relevant', () => {
    expect(hitAtK(recommended, relevant, 1)).toBe(0); // a only
    expect(hitAtK(recommended, relevant, 3)).toBe(1); // b at rank 2
  });

  it('divides the relevant items found in the first k by all relevant items', () => {
    expect(recallAtK(recommended, relevant, 3)).toBeCloseTo(1 / 3, 12); // b of {b, d, x}
    expect(recallAtK(recommended, relevant, 4)).toBeCloseTo(2 / 3, 12); // b, d of {b, d, x}
  });

  it('discounts each hit by log2 of its rank + 1 and divides by the ideal list', () => {
    // k = 3: DCG = 1/log2(3) = 0.630930 (b at rank 2)
    //        IDCG = 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930 (three relevant, three slots)
    //        NDCG = 0.630930 / 2.130930 = 0.296082
    expect(ndcgAtK(recommended, relevant, 3)).toBeCloseTo(0.296082, 6);
    // k = 4: DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606 (b at 2, d at 4)
    //        IDCG = 2.130930 (min(4, 3) = 3 relevant on top)
    //        NDCG = 1.061606 / 2.130930 = 0.498190
    expect(ndcgAtK(recommended, relevant, 4)).toBeCloseTo(0.49819, 5);
  });

  it('gives a perfect list NDCG 1 and counts a repeated item once', () => {
    expect(ndcgAtK(['b', 'd', 'x'], relevant, 3)).toBeCloseTo(1, 12);
    // b twice: DCG = 1/log2(2) = 1 (the repeat at rank 2 adds nothing); IDCG for one relevant item = 1.
    expect(ndcgAtK(['b', 'b'], new Set(['b']), 2)).toBeCloseTo(1, 12);
  });

  it('scores 0 everywhere when nothing is relevant or nothing is hit', () => {
    const none = new Set<string>();
    expect([hitAtK(recommended, none, 10), recallAtK(recommended, none, 10), ndcgAtK(recommended, none, 10)]).toEqual([0, 0, 0]);
    const missed = new Set(['z']);
    expect([hitAtK(recommended, missed, 10), recallAtK(recommended, missed, 10), ndcgAtK(recommended, missed, 10)]).toEqual([0, 0, 0]);
  });

  it('measures catalogue coverage on the first k of every list', () => {
    // {a, b, c} of 10 items
    expect(catalogueCoverage([['a', 'b'], ['b', 'c']], 10, 2)).toBeCloseTo(0.3, 12);
    // k = 1: {a, b} of 10
    expect(catalogueCoverage([['a', 'b'], ['b', 'c']], 10, 1)).toBeCloseTo(0.2, 12);
    expect(catalogueCoverage([['a']], 0, 1)).toBe(0);
  });

  it('averages per user and pools coverage', () => {
    // Prepare: user 1 as above; user 2 recommended e, f and bought f.
    const cases = [
      { recommended, relevant },
      { recommended: ['e', 'f'], relevant: new Set(['f']) },
    ];

    // Act
    const metrics = evaluateRankings(cases, 3, 20);

    // Assess
    // hit:    (1 + 1) / 2 = 1
    // recall: (1/3 + 1/1) / 2 = 0.666667
    // NDCG:   user 1 = 0.296082 (above); user 2 = (1/log2(3)) / (1/log2(2)) = 0.630930; mean = 0.463506
    // coverage: {a, b, c} ∪ {e, f} = 5 of 20 = 0.25
    expect(metrics.users).toBe(2);
    expect(metrics.hitRate).toBeCloseTo(1, 12);
    expect(metrics.recall).toBeCloseTo(0.666667, 6);
    expect(metrics.ndcg).toBeCloseTo(0.463506, 6);
    expect(metrics.coverage).toBeCloseTo(0.25, 12);
  });

  it('reports zeros for no users rather than NaN', () => {
    expect(evaluateRankings([], 10, 5)).toEqual({ users: 0, hitRate: 0, recall: 0, ndcg: 0, coverage: 0 });
  });
});
