import type { RolloutPlan } from '../../../../layers/core/campaigns/campaign';
import { DEFAULT_ROLLOUT } from '../../../../layers/core/campaigns/parse-campaign';
import type { RunCounts } from '../../../../layers/core/rollouts/arm-counts';
import { evaluateStage, MAX_EXTENSIONS, type EvaluateStageInput } from '../../../../layers/core/rollouts/evaluate-stage';

const PLAN: RolloutPlan = { ...DEFAULT_ROLLOUT, variants: [{ name: 'default', weight: 1 }] };
const counts = (control: [number, number], treatment: [number, number]): RunCounts => ({
  control: { exposed: control[0], converted: control[1], clicked: 0 },
  variants: { default: { exposed: treatment[0], converted: treatment[1], clicked: treatment[1] } },
});
const input = (overrides: Partial<EvaluateStageInput> = {}): EvaluateStageInput => ({
  plan: PLAN,
  stages: PLAN.stages,
  stageIndex: 0,
  counts: counts([6000, 900], [6000, 905]),
  pValues: {},
  extensions: 0,
  paused: false,
  abortRequested: false,
  now: new Date('2026-11-24T10:00:00Z'),
  ...overrides,
});

describe('evaluateStage', () => {
  it('promotes to the next stage when nothing is wrong and nothing is proven', () => {
    // Act
    const look = evaluateStage(input());

    // Assess
    expect(look).toMatchObject({ decision: 'promote', nextStageIndex: 1, exposurePercent: 5 });
    expect(look.reason).toContain('no significant difference');
    expect(look.control.interval[0]).toBeLessThan(0.15);
    expect(look.pValues.primary).toBe(look.primary.pValue);
  });

  it('goes straight to the last stage on a significant lift, and completes at the last stage', () => {
    // Act
    const lift = evaluateStage(input({ counts: counts([6000, 900], [6000, 1200]) }));
    const last = evaluateStage(input({ stageIndex: 3 }));

    // Assess
    expect(lift).toMatchObject({ decision: 'promote', nextStageIndex: 3 });
    expect(lift.reason).toContain('significant lift');
    expect(last.decision).toBe('complete');
  });

  it('rolls back when the guardrail crosses', () => {
    // Act
    const look = evaluateStage(input({ counts: counts([6000, 900], [6000, 700]) }));

    // Assess
    expect(look.decision).toBe('rollback');
    expect(look.guardrail.crossed).toBe(true);
    expect(look.reason).toMatch(/^guardrail: conversion 11\.7% vs control 15\.0%/);
  });

  it('holds on a sample-ratio mismatch before anything else is judged', () => {
    // Act: a mismatch that also looks like a drop
    const look = evaluateStage(input({ counts: counts([5000, 750], [6000, 700]) }));

    // Assess
    expect(look.decision).toBe('hold');
    expect(look.srm.pValue).toBeLessThan(0.001);
  });

  it('bakes again while an arm is below the minimum, then holds', () => {
    // Act
    const small = counts([60, 9], [60, 9]);
    const first = evaluateStage(input({ counts: small }));
    const tooLong = evaluateStage(input({ counts: small, extensions: MAX_EXTENSIONS }));

    // Assess
    expect(first.decision).toBe('extend');
    expect(tooLong.decision).toBe('hold');
  });

  it('honours an operator: abort first, pause after the guardrail', () => {
    // Act
    const aborted = evaluateStage(input({ abortRequested: true, counts: counts([6000, 900], [6000, 700]) }));
    const paused = evaluateStage(input({ paused: true }));
    const pausedButHarmful = evaluateStage(input({ paused: true, counts: counts([6000, 900], [6000, 700]) }));

    // Assess
    expect(aborted.decision).toBe('aborted');
    expect(paused.decision).toBe('paused');
    expect(pausedButHarmful.decision).toBe('rollback');
  });

  it('compares A/B variants against the first with the same test, and checks the ratio over all arms', () => {
    // Prepare
    const plan: RolloutPlan = { ...PLAN, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] };
    const run: RunCounts = {
      control: { exposed: 6000, converted: 900, clicked: 0 },
      variants: { a: { exposed: 3000, converted: 450, clicked: 300 }, b: { exposed: 3000, converted: 600, clicked: 450 } },
    };

    // Act
    const look = evaluateStage(input({ plan, counts: run }));

    // Assess
    expect(look.srm).toMatchObject({ degreesOfFreedom: 2, mismatch: false });
    expect(look.comparisons).toEqual([expect.objectContaining({ variant: 'b', reference: 'a', test: expect.objectContaining({ significant: true }) })]);
    expect(look.comparisons[0]!.test.difference).toBeCloseTo(0.05, 10);
    expect(look.variants.b!.clickThrough).toBeCloseTo(0.15, 10);
    expect(look.pValues['variant:b']).toBe(look.comparisons[0]!.test.pValue);
  });
});
