import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { FunnelTotals } from './kpi-report';

/** An estimate with its two-sided confidence interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/**
 * Messaged vs global holdout for one campaign (or the programme): the units are messages and "would
 * have been sent" decisions, each converting at most once within the attribution window. The holdout is
 * a persistent random share of users, so both groups are the same kind of users and the difference is
 * what the messages caused.
 */
export interface Incrementality {
  messaged: { units: number; conversionRate: number; revenuePerUnit: number };
  holdout: { units: number; conversionRate: number; revenuePerUnit: number };
  /** Absolute difference of conversion rates: Newcombe's hybrid Wilson score interval (method 10). */
  conversionLift: Estimate;
  /** Relative: messaged / holdout − 1, interval from the log risk ratio (Katz). Undefined without holdout conversions. */
  relativeConversionLift?: Estimate;
  /** Revenue per unit, messaged − holdout: Welch's interval from the per-unit revenue variance. */
  revenueLift: Estimate;
  incrementalConversions: number;
  incrementalRevenue: number;
}

/** Too few units on either side to say anything: fewer than this, no estimate. */
export const MIN_UNITS = 30;

export const incrementality = (totals: FunnelTotals, currency: string, confidence = 0.95): Incrementality | undefined => {
  const [n1, n0] = [totals.sent, totals.held];
  if (n1 < MIN_UNITS || n0 < MIN_UNITS) return undefined;
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const [c1, c0] = [totals.converted, totals.heldConverted];
  const [p1, p0] = [c1 / n1, c0 / n0];
  const [w1, w0] = [wilson(c1, n1, z), wilson(c0, n0, z)];
  const d = p1 - p0;
  const conversionLift = { value: d, low: d - Math.hypot(p1 - w1[0], w0[1] - p0), high: d + Math.hypot(w1[1] - p1, p0 - w0[0]) };

  const revenue1 = meanAndVariance(totals.revenue[currency] ?? 0, totals.revenueSq[currency] ?? 0, n1);
  const revenue0 = meanAndVariance(totals.heldRevenue[currency] ?? 0, totals.heldRevenueSq[currency] ?? 0, n0);
  const revenueDiff = revenue1.mean - revenue0.mean;
  const revenueSe = Math.sqrt(revenue1.variance / n1 + revenue0.variance / n0);

  return {
    messaged: { units: n1, conversionRate: p1, revenuePerUnit: revenue1.mean },
    holdout: { units: n0, conversionRate: p0, revenuePerUnit: revenue0.mean },
    conversionLift,
    ...(c0 > 0 && c1 > 0 && { relativeConversionLift: relativeLift(c1, n1, c0, n0, z) }),
    revenueLift: { value: revenueDiff, low: revenueDiff - z * revenueSe, high: revenueDiff + z * revenueSe },
    incrementalConversions: d * n1,
    incrementalRevenue: revenueDiff * n1,
  };
};

const wilson = (successes: number, n: number, z: number): [number, number] => {
  const p = successes / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
};

const relativeLift = (c1: number, n1: number, c0: number, n0: number, z: number): Estimate => {
  const logRatio = Math.log(c1 / n1 / (c0 / n0));
  const se = Math.sqrt(1 / c1 - 1 / n1 + 1 / c0 - 1 / n0);
  return { value: Math.exp(logRatio) - 1, low: Math.exp(logRatio - z * se) - 1, high: Math.exp(logRatio + z * se) - 1 };
};

/** Mean and sample variance of per-unit revenue from Σx and Σx² over n units (most of them 0). */
const meanAndVariance = (sum: number, sumOfSquares: number, n: number) => {
  const mean = sum / n;
  return { mean, variance: Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1)) };
};
