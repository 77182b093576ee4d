import { judgeRateDrop, type DailyCount } from '../../../../layers/core/kpis/rate-drop';
import { simulateAlertRate } from '../../../../scripts/kpis/anomaly-simulation';

const days = (n: number, day: DailyCount): DailyCount[] => Array.from({ length: n }, () => day);
const judge = (today: DailyCount, baseline: DailyCount[]) => judgeRateDrop({ today, baseline, relativeDrop: 0.2, alpha: 0.01 });

describe('judgeRateDrop', () => {
  it('alerts on a 20% drop at a volume that can show it', () => {
    // Act: 5% for a week, 4% today, 7,000 sends a day
    const result = judge({ trials: 7_000, successes: 280 }, days(7, { trials: 7_000, successes: 350 }));

    // Assess
    expect(result).toMatchObject({ verdict: 'DROP', todayRate: 0.04, baselineRate: 0.05 });
    expect(result.relativeChange).toBeCloseTo(-0.2);
    expect(result.pValue).toBeLessThan(0.01);
  });

  it('stays quiet on the same 20% drop when the counts are too small to tell it from noise', () => {
    expect(judge({ trials: 400, successes: 16 }, days(7, { trials: 400, successes: 20 })).verdict).toBe('STEADY');
  });

  it('gives no verdict when too few successes are expected today', () => {
    expect(judge({ trials: 100, successes: 0 }, days(7, { trials: 100, successes: 5 })).verdict).toBe('TOO_FEW');
  });

  it('does not alert on a significant but trivial dip of a huge campaign', () => {
    // 5% → 4.8% on a million sends a day: real, but a 4% dip, not a collapse
    const result = judge({ trials: 1_000_000, successes: 48_000 }, days(7, { trials: 1_000_000, successes: 50_000 }));
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.verdict).toBe('STEADY');
  });

  it('never alerts on a rise', () => {
    expect(judge({ trials: 7_000, successes: 500 }, days(7, { trials: 7_000, successes: 350 })).verdict).toBe('STEADY');
  });

  it('keeps false alerts of unchanged campaigns at or under 1%, and catches a true 20% drop the same day in 90% of runs at 10,000 sends a day (seeded simulation)', () => {
    // Prepare: 1,000 campaign-days, 5% conversion
    const settings = { runs: 1_000, seed: 7, rate: 0.05 };

    // Act
    const falseAlerts = [500, 2_000, 10_000].map((sends) => simulateAlertRate(settings, sends, 0.05));
    const caught = simulateAlertRate(settings, 10_000, 0.04);

    // Assess
    for (const share of falseAlerts) expect(share).toBeLessThanOrEqual(0.01);
    expect(caught).toBeGreaterThanOrEqual(0.9);
  });
});
