import { existsSync } from 'node:fs';
import { DEFAULT_DATA, evaluateModels, TEST_FROM } from '../../scripts/recommendations/evaluate-models';
import { holdoutAt } from '../../scripts/recommendations/holdout-protocol';
import { readPurchases } from '../../scripts/recommendations/online-retail-purchases';

/**
 * `npm run eval:recs` on the real dataset, as a test: the protocol's fixed counts and the popularity
 * baseline are exact (they depend on nothing tunable); the hybrid must meet issue 6's target.
 * About 35 s under jest (15 s under tsx), too slow for `npm test`: it runs with `npm run test:recs`
 * (RECS_EVAL=1), and is reported as skipped otherwise.
 */
const describeWhenAsked = process.env.RECS_EVAL === '1' ? describe : describe.skip;

describeWhenAsked('evaluating the built-in recommenders on UCI Online Retail', () => {
  it('beats the popularity baseline by at least 1.5×, and each of its components alone', async () => {
    // Prepare
    if (!existsSync(DEFAULT_DATA)) throw new Error(`the dataset is missing: ${DEFAULT_DATA} (see events/datasets/README.md)`);
    const holdout = holdoutAt(await readPurchases(DEFAULT_DATA), TEST_FROM);

    // Act
    const report = evaluateModels(holdout);

    // Assess
    expect(report).toMatchObject({ trainLines: 314_794, testLines: 81_543, customers: 1_540, catalogue: 3_607 });
    expect(report.popularity.hitRate).toBeCloseTo(331 / 1_540, 12);
    expect(report.hybrid.hitRate).toBeGreaterThanOrEqual(1.5 * report.popularity.hitRate);
    expect(report.hybrid.hitRate).toBeGreaterThan(report.collaborative.hitRate);
    expect(report.hybrid.hitRate).toBeGreaterThan(report.recentPopularity.hitRate);
    expect(report.hybrid.hitRate).toBeGreaterThan(report.content.hitRate);
    expect(report.artifactGzipBytes).toBeLessThan(5_000_000);
  }, 120_000);
});
