import type { RolloutPlan } from '../campaigns/campaign';
import { treatmentOf, type ArmCounts, type RunCounts } from './arm-counts';
import { guardrailSprt, mixtureSprt, rate, sampleRatioMismatch, wilsonInterval, type GuardrailTest, type PrimaryTest, type SrmTest } from './sequential-tests';

/**
 * What an evaluation decides:
 * - `promote`: widen to `nextStageIndex` (the next stage; the last when the lift is already significant);
 * - `complete`: the last stage passed its evaluation;
 * - `extend`: too few users to judge yet, bake this stage again;
 * - `hold`: the data cannot be trusted (sample-ratio mismatch) or the stage stayed too small: keep the exposure, alert;
 * - `rollback`: the guardrail crossed: exposure to 0, alert;
 * - `paused`: an operator paused it: keep the exposure, keep evaluating the guardrail;
 * - `aborted`: an operator aborted it (exposure already 0).
 */
export type RolloutDecision = 'promote' | 'complete' | 'extend' | 'hold' | 'rollback' | 'paused' | 'aborted';

/** A variant against the first (reference) variant. */
export interface VariantComparison {
  variant: string;
  reference: string;
  test: PrimaryTest;
}

export interface ArmSummary {
  exposed: number;
  converted: number;
  clicked: number;
  conversion: number;
  interval: [number, number];
  /** Clicks or opens per exposed user (treatment only). */
  clickThrough: number;
}

/** One look: the statistics used and the decision, kept in the rollout state and drawn in the report. */
export interface StageEvaluation {
  at: string;
  stageIndex: number;
  exposurePercent: number;
  decision: RolloutDecision;
  reason: string;
  nextStageIndex?: number;
  control: ArmSummary;
  treatment: ArmSummary;
  variants: Record<string, ArmSummary>;
  srm: SrmTest;
  primary: PrimaryTest;
  guardrail: GuardrailTest;
  comparisons: VariantComparison[];
}

export interface EvaluateStageInput {
  plan: RolloutPlan;
  /** The run's stages (the plan's when it started). */
  stages: readonly number[];
  stageIndex: number;
  counts: RunCounts;
  /** Running minima of the always-valid p-values so far. */
  pValues: Record<string, number>;
  extensions: number;
  paused: boolean;
  abortRequested: boolean;
  now: Date;
}

/** How many bakes a stage may be extended for want of users before the rollout holds. */
export const MAX_EXTENSIONS = 6;

/**
 * Evaluates a stage after its bake. Pure. In order: operator abort → sample-ratio mismatch (hold; the
 * other figures cannot be trusted) → guardrail (rollback) → operator pause → too few users (extend,
 * then hold) → primary test (a significant lift goes straight to the last stage) → next stage or complete.
 * Every look returns the statistics it used, so the report can show the boundary next to the data.
 */
export const evaluateStage = (input: EvaluateStageInput): StageEvaluation & { pValues: Record<string, number> } => {
  const { plan, stages, stageIndex, counts } = input;
  const treatment = treatmentOf(counts);
  const names = plan.variants.map((v) => v.name);
  const totalWeight = plan.variants.reduce((sum, v) => sum + v.weight, 0);
  const srm = sampleRatioMismatch(
    [counts.control.exposed, ...names.map((name) => counts.variants[name]?.exposed ?? 0)],
    [plan.controlShare, ...plan.variants.map((v) => ((1 - plan.controlShare) * v.weight) / totalWeight)],
    plan.srmAlpha,
  );
  const tau = plan.expectedConversion * plan.minimumDetectableLift;
  const primary = mixtureSprt({ control: counts.control, treatment, tau, alpha: plan.alpha, previousPValue: input.pValues.primary });
  const guardrail = guardrailSprt({ control: counts.control, treatment, relativeDrop: plan.guardrail.relativeDrop, alpha: plan.guardrail.alpha });
  const [reference, ...others] = names;
  const comparisons = others.map((variant) => ({
    variant,
    reference: reference!,
    test: mixtureSprt({ control: arm(counts, reference!), treatment: arm(counts, variant), tau, alpha: plan.alpha, previousPValue: input.pValues[`variant:${variant}`] }),
  }));
  const pValues = { ...input.pValues, primary: primary.pValue, ...Object.fromEntries(comparisons.map((c) => [`variant:${c.variant}`, c.test.pValue])) };

  const last = stages.length - 1;
  const decide = (): Pick<StageEvaluation, 'decision' | 'reason' | 'nextStageIndex'> => {
    if (input.abortRequested) return { decision: 'aborted', reason: 'aborted by an operator' };
    if (srm.mismatch) {
      return { decision: 'hold', reason: `sample-ratio mismatch: chi-square ${srm.statistic.toFixed(1)}, p = ${srm.pValue.toExponential(2)} < ${plan.srmAlpha}` };
    }
    if (guardrail.crossed) {
      return {
        decision: 'rollback',
        reason: `guardrail: conversion ${percent(rate(treatment))} vs control ${percent(rate(counts.control))} (drop ${percent(guardrail.observedDrop)}), log LR ${guardrail.logLikelihoodRatio.toFixed(2)} ≥ ${guardrail.threshold.toFixed(2)}`,
      };
    }
    if (input.paused) return { decision: 'paused', reason: 'paused by an operator' };
    const smallest = Math.min(counts.control.exposed, treatment.exposed);
    if (smallest < plan.minimumPerArm) {
      if (input.extensions >= MAX_EXTENSIONS) return { decision: 'hold', reason: `only ${smallest} users in the smallest arm after ${input.extensions + 1} bakes (need ${plan.minimumPerArm})` };
      return { decision: 'extend', reason: `${smallest} users in the smallest arm, need ${plan.minimumPerArm}: baking again` };
    }
    const verdict = primary.significant
      ? `${primary.difference > 0 ? 'significant lift' : 'significant drop'} ${signedPercent(primary.relativeLift)} (always-valid p = ${primary.pValue.toPrecision(3)})`
      : `no significant difference yet (always-valid p = ${primary.pValue.toPrecision(3)})`;
    if (stageIndex >= last) return { decision: 'complete', reason: `last stage passed; ${verdict}` };
    if (primary.significant && primary.difference > 0) return { decision: 'promote', reason: `${verdict}: straight to ${stages[last]}%`, nextStageIndex: last };
    return { decision: 'promote', reason: `guardrail and sample ratio fine; ${verdict}`, nextStageIndex: stageIndex + 1 };
  };

  return {
    at: input.now.toISOString(),
    stageIndex,
    exposurePercent: stages[stageIndex]!,
    ...decide(),
    control: summary(counts.control),
    treatment: summary(treatment),
    variants: Object.fromEntries(names.map((name) => [name, summary(arm(counts, name))])),
    srm,
    primary,
    guardrail,
    comparisons,
    pValues,
  };
};

const arm = (counts: RunCounts, name: string): ArmCounts => counts.variants[name] ?? { exposed: 0, converted: 0, clicked: 0 };

const summary = (counts: ArmCounts): ArmSummary => ({
  ...counts,
  conversion: rate(counts),
  interval: wilsonInterval(counts),
  clickThrough: counts.exposed > 0 ? counts.clicked / counts.exposed : 0,
});

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const signedPercent = (x: number) => `${x >= 0 ? '+' : ''}${percent(x)}`;
