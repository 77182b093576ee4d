import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

/** One day of a campaign's rate: conversions over sends, or clicks over deliveries. */
export interface DailyCount {
  trials: number;
  successes: number;
}

export interface RateDropInput {
  today: DailyCount;
  /** The trailing days to compare with (7 by default in the review), oldest first; pooled. */
  baseline: readonly DailyCount[];
  /** The relative drop that matters: 0.2 = "conversion fell 20%". */
  relativeDrop: number;
  /** One-sided false-alert rate per campaign-day when nothing changed. */
  alpha: number;
}

export type RateDropVerdict =
  /** Significantly lower than the baseline, and by at least half the drop that matters. */
  | 'DROP'
  /** Not significantly lower, or lower by too little to matter. */
  | 'STEADY'
  /** Too few expected successes today for the test to mean anything (fewer than {@link MIN_EXPECTED_SUCCESSES}). */
  | 'TOO_FEW';

export interface RateDropJudgement {
  verdict: RateDropVerdict;
  todayRate: number;
  baselineRate: number;
  /** (today − baseline) / baseline; −0.25 = a 25% drop. */
  relativeChange: number;
  /** One-sided p-value of "today is not lower than the baseline". */
  pValue: number;
}

/**
 * Below this many expected successes today (baseline rate × today's trials) the normal approximation of
 * the test is poor and a day of noise looks like a collapse: no verdict either way.
 */
export const MIN_EXPECTED_SUCCESSES = 10;

/**
 * Did a campaign's rate drop today against its trailing baseline? A one-sided two-proportion z-test
 * (pooled variance under "no change") of today against the pooled baseline days, at `alpha`: the
 * statistical part, which keeps the false alerts of an unchanged campaign at `alpha` per day whatever
 * its volume. A significant drop must also be at least half of `relativeDrop` in size: the practical
 * part, so that a huge campaign does not alert on a real but trivial 3% dip. With enough volume a true
 * drop of `relativeDrop` is caught the same day (docs: npm run simulate:anomaly gives the volume).
 */
export const judgeRateDrop = ({ today, baseline, relativeDrop, alpha }: RateDropInput): RateDropJudgement => {
  const base = baseline.reduce((sum, day) => ({ trials: sum.trials + day.trials, successes: sum.successes + day.successes }), { trials: 0, successes: 0 });
  const todayRate = today.trials > 0 ? today.successes / today.trials : 0;
  const baselineRate = base.trials > 0 ? base.successes / base.trials : 0;
  const relativeChange = baselineRate > 0 ? (todayRate - baselineRate) / baselineRate : 0;
  if (baselineRate * today.trials < MIN_EXPECTED_SUCCESSES || base.successes < MIN_EXPECTED_SUCCESSES) {
    return { verdict: 'TOO_FEW', todayRate, baselineRate, relativeChange, pValue: 1 };
  }
  const pooled = (base.successes + today.successes) / (base.trials + today.trials);
  const variance = pooled * (1 - pooled) * (1 / today.trials + 1 / base.trials);
  const z = variance > 0 ? (todayRate - baselineRate) / Math.sqrt(variance) : 0;
  const pValue = normalCdf(z, 0, 1);
  const verdict = pValue < alpha && relativeChange <= -relativeDrop / 2 ? 'DROP' : 'STEADY';
  return { verdict, todayRate, baselineRate, relativeChange, pValue };
};

/** The rule the campaign monitor applies (and `npm run simulate:anomaly` proves): a 20% drop, α 0.005. */
export const ANOMALY_RULE = { relativeDrop: 0.2, alpha: 0.005 } as const;
/** Trailing days the baseline pools. */
export const BASELINE_DAYS = 7;
