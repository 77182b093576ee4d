import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { ArmCounts } from './arm-counts';

/**
 * The tests a rollout is judged by (docs/rollouts.md has the method and its references). All take
 * cumulative counts at a look and use the normal approximation to the difference of two proportions.
 */

/** The primary test at one look: treatment minus control conversion, valid however often it is looked at. */
export interface PrimaryTest {
  /** Treatment rate − control rate. */
  difference: number;
  /** difference / control rate (NaN while control has no conversion). */
  relativeLift: number;
  /** Always-valid two-sided p-value: the smallest 1/Λ over this and every earlier look. */
  pValue: number;
  /** Always-valid (1 − α) confidence interval of the difference (a confidence sequence). */
  interval: [number, number];
  /** The |difference| at which this look would have rejected (the decision boundary). */
  boundary: number;
  significant: boolean;
}

/**
 * Mixture sequential probability ratio test (mSPRT; Johari, Pekelis & Walsh, "Always valid inference",
 * Operations Research 70(3), 2022; Robbins 1970). With V the variance of the difference under the null
 * (pooled rate) and a normal mixture of the effect with standard deviation τ:
 *
 *   Λ = √(V / (V + τ²)) · exp(τ² d² / (2 V (V + τ²)))
 *
 * Λ is a martingale under "no difference", so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α: rejecting when
 * it crosses keeps the two-sided error at α however many looks are taken. τ is the effect worth
 * detecting (expected conversion × minimum detectable lift).
 */
export const mixtureSprt = (input: { control: ArmCounts; treatment: ArmCounts; tau: number; alpha: number; previousPValue?: number }): PrimaryTest => {
  const { control, treatment, tau, alpha } = input;
  const pc = rate(control);
  const pt = rate(treatment);
  const difference = pt - pc;
  const v = nullVariance(control, treatment);
  const t2 = tau * tau;
  const logLambda = v > 0 ? 0.5 * Math.log(v / (v + t2)) + (t2 * difference * difference) / (2 * v * (v + t2)) : 0;
  const pValue = Math.min(input.previousPValue ?? 1, Math.min(1, Math.exp(-logLambda)));
  const boundary = mixtureRadius(v, tau, alpha);
  // The interval uses the unpooled variance: it describes the difference, not the null.
  const halfWidth = mixtureRadius(varianceOfDifference(pc, pt, control.exposed, treatment.exposed), tau, alpha);
  return {
    difference,
    relativeLift: pc > 0 ? difference / pc : Number.NaN,
    pValue,
    interval: [difference - halfWidth, difference + halfWidth],
    boundary,
    significant: pValue <= alpha,
  };
};

/** The guardrail at one look. */
export interface GuardrailTest {
  /** Observed (control − treatment) / control; negative when treatment converts better. */
  observedDrop: number;
  /** log of Wald's likelihood ratio, "drop of `relativeDrop`" against "no drop". */
  logLikelihoodRatio: number;
  /** ln(1/α): crossing it rolls back. */
  threshold: number;
  /** The treatment − control difference at or below which this look rolls back. */
  boundary: number;
  crossed: boolean;
}

/**
 * One-sided sequential probability ratio test (Wald, "Sequential tests of statistical hypotheses", Ann.
 * Math. Stat. 16, 1945) of H0 "treatment converts as control" against H1 "treatment converts
 * `relativeDrop` less", on the normal approximation of the difference d with variance V:
 *
 *   log Λ = (θ₁ d − θ₁² / 2) / V,   θ₁ = −relativeDrop · control rate
 *
 * Only the upper boundary ln(1/α) is used (rollback); under H0 Λ is a martingale, so the false rollback
 * rate stays at most α at any number of looks (Ville). A true drop of `relativeDrop` is caught at the
 * first look with n users per arm once θ₁ / √V ≥ 4.8 for α = 0.025 (power 95%): see docs/rollouts.md.
 */
export const guardrailSprt = (input: { control: ArmCounts; treatment: ArmCounts; relativeDrop: number; alpha: number }): GuardrailTest => {
  const { control, treatment, relativeDrop, alpha } = input;
  const pc = rate(control);
  const difference = rate(treatment) - pc;
  const v = nullVariance(control, treatment);
  const theta1 = -relativeDrop * pc;
  const threshold = Math.log(1 / alpha);
  const logLikelihoodRatio = v > 0 && theta1 < 0 ? (theta1 * difference - (theta1 * theta1) / 2) / v : 0;
  const boundary = v > 0 && theta1 < 0 ? theta1 / 2 + (v * threshold) / theta1 : -Infinity;
  return { observedDrop: pc > 0 ? -difference / pc : 0, logLikelihoodRatio, threshold, boundary, crossed: logLikelihoodRatio >= threshold };
};

/** Sample-ratio mismatch: are the arms' sizes what the split says they should be? */
export interface SrmTest {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  mismatch: boolean;
}

/** Pearson's chi-square goodness of fit of the observed arm sizes to the expected shares (which sum to 1). */
export const sampleRatioMismatch = (observed: readonly number[], expectedShares: readonly number[], alpha: number): SrmTest => {
  const total = observed.reduce((sum, n) => sum + n, 0);
  if (total === 0) return { statistic: 0, degreesOfFreedom: observed.length - 1, pValue: 1, mismatch: false };
  const statistic = observed.reduce((sum, n, i) => {
    const expected = total * expectedShares[i]!;
    return sum + (expected > 0 ? (n - expected) ** 2 / expected : 0);
  }, 0);
  const degreesOfFreedom = observed.length - 1;
  const pValue = 1 - chisquareCdf(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue, mismatch: pValue < alpha };
};

/**
 * The naive two-proportion z-test (pooled), two-sided: right once, wrong when repeated at every look
 * (its error rate grows with the looks). Kept for the simulation's comparison and fixed-horizon sizing.
 */
export const twoProportionZTest = (control: ArmCounts, treatment: ArmCounts): { z: number; pValue: number } => {
  const v = nullVariance(control, treatment);
  const z = v > 0 ? (rate(treatment) - rate(control)) / Math.sqrt(v) : 0;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z), 0, 1)) };
};

/** Wilson score interval of one arm's conversion (for the report). */
export const wilsonInterval = (arm: ArmCounts, confidence = 0.95): [number, number] => {
  if (arm.exposed === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const n = arm.exposed;
  const p = arm.converted / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
};

/** Users per arm a single fixed-horizon z-test needs (two-sided α, power 1 − β) for rates p1 → p2. */
export const fixedHorizonSampleSize = (p1: number, p2: number, alpha: number, power: number): number => {
  const za = normalQuantile(1 - alpha / 2, 0, 1);
  const zb = normalQuantile(power, 0, 1);
  const pBar = (p1 + p2) / 2;
  return Math.ceil((za * Math.sqrt(2 * pBar * (1 - pBar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2);
};

/**
 * The |difference| at which the mixture SPRT with variance `v` reaches 1/α: the decision boundary (with
 * the null variance) or the confidence sequence's half-width (with the unpooled one).
 */
export const mixtureRadius = (v: number, tau: number, alpha: number): number => {
  if (v <= 0) return Infinity;
  const t2 = tau * tau;
  return Math.sqrt(((v * (v + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
};

/** Variance of the difference of the two rates under "no difference" (the pooled rate in both arms). */
export const nullVariance = (control: ArmCounts, treatment: ArmCounts): number => {
  const pooled = (control.converted + treatment.converted) / Math.max(control.exposed + treatment.exposed, 1);
  return varianceOfDifference(pooled, pooled, control.exposed, treatment.exposed);
};

export const rate = (arm: ArmCounts): number => (arm.exposed > 0 ? arm.converted / arm.exposed : 0);

const varianceOfDifference = (pc: number, pt: number, nc: number, nt: number): number =>
  nc > 0 && nt > 0 ? (pc * (1 - pc)) / nc + (pt * (1 - pt)) / nt : 0;
