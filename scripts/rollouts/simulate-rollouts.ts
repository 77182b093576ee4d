/**
 * Proof by simulation of the rollout statistics (issue 7): simulated rollouts through the real
 * `evaluateStage`, one look after every stage, seeded so every run prints the same figures.
 *
 *   npm run simulate:rollouts [-- --runs 1000 --seed 7]
 *
 * - A/A: same true conversion in both arms; false positives = a promote-on-lift or a rollback at any
 *   look (beside it: the naive z-test repeated at every look, at p < 0.05).
 * - Power: 15% base conversion, +25% relative lift: users per arm for 80% power (fixed-horizon z-test
 *   and this rollout's always-valid test), and the simulated power at the latter.
 * - Guardrail: a true 20% relative drop, rolled back at the first look.
 */
import binomial from '@stdlib/random-base-binomial';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type { RolloutPlan } from '../../layers/core/campaigns/campaign';
import { DEFAULT_ROLLOUT } from '../../layers/core/campaigns/parse-campaign';
import { emptyArm, type ArmCounts, type RunCounts } from '../../layers/core/rollouts/arm-counts';
import { evaluateStage } from '../../layers/core/rollouts/evaluate-stage';
import { fixedHorizonSampleSize, mixtureRadius, nullVariance, twoProportionZTest } from '../../layers/core/rollouts/sequential-tests';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = arg('runs', 1000);
const SEED = arg('seed', 7);
const draw = binomial.factory({ seed: SEED });

const PLAN: RolloutPlan = { ...DEFAULT_ROLLOUT, variants: [{ name: 'default', weight: 1 }] };
/** Users per arm exposed during each stage's bake: the stage's percent of 280,000 campaign triggers per bake, split 50/50 (7,000 per arm at 5%: the guardrail's 95% needs about 6,040). */
const TRIGGERS_PER_BAKE = 280_000;
const STAGE_USERS = PLAN.stages.map((percent) => Math.round((TRIGGERS_PER_BAKE * percent) / 100 / 2));

interface Outcome {
  decisions: string[];
  /** A look declared the lift significant or crossed the guardrail. */
  falsePositive: boolean;
  rolledBackAtFirstLook: boolean;
  liftDetected: boolean;
  naiveFalsePositive: boolean;
}

/** One rollout: users arrive at each stage, one look after each bake, the decision is followed. */
const simulate = (control: number, treatment: number, stageUsers: readonly number[], plan: RolloutPlan = PLAN): Outcome => {
  const counts: RunCounts = { control: emptyArm(), variants: { default: emptyArm() } };
  let pValues: Record<string, number> = {};
  const decisions: string[] = [];
  let stageIndex = 0;
  let naiveFalsePositive = false;
  let liftDetected = false;
  let falsePositive = false;
  let extensions = 0;
  for (let look = 0; look < 20; look++) {
    const n = stageUsers[stageIndex]!;
    add(counts.control, n, draw(n, control));
    add(counts.variants.default!, n, draw(n, treatment));
    const evaluation = evaluateStage({ plan, stages: plan.stages, stageIndex, counts, pValues, extensions, paused: false, abortRequested: false, now: new Date(0) });
    pValues = evaluation.pValues;
    decisions.push(evaluation.decision);
    if (twoProportionZTest(counts.control, counts.variants.default!).pValue < 0.05) naiveFalsePositive = true;
    if (evaluation.primary.significant && evaluation.primary.difference > 0) liftDetected = true;
    if (evaluation.decision === 'rollback' || (evaluation.primary.significant && evaluation.primary.difference > 0)) falsePositive = true;
    if (evaluation.decision === 'extend') {
      extensions++;
      continue;
    }
    if (evaluation.decision !== 'promote') break;
    stageIndex = evaluation.nextStageIndex!;
    extensions = 0;
  }
  return { decisions, falsePositive, rolledBackAtFirstLook: decisions[0] === 'rollback', liftDetected, naiveFalsePositive };
};

const add = (arm: ArmCounts, exposed: number, converted: number) => {
  arm.exposed += exposed;
  arm.converted += converted;
};

const share = (outcomes: Outcome[], pick: (o: Outcome) => boolean) => outcomes.filter(pick).length / outcomes.length;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const many = (f: () => Outcome) => Array.from({ length: RUNS }, f);

const base = PLAN.expectedConversion;
const lifted = base * (1 + PLAN.minimumDetectableLift);
const dropped = base * (1 - PLAN.guardrail.relativeDrop);

console.log(`plan: stages ${PLAN.stages.join('/')}%, control ${PLAN.controlShare}, α ${PLAN.alpha} (primary, two-sided, always valid), guardrail α ${PLAN.guardrail.alpha} at a ${pct(PLAN.guardrail.relativeDrop)} drop, ${RUNS} runs, seed ${SEED}`);
console.log(`stage sizes: ${STAGE_USERS.map((n) => n.toLocaleString('en')).join(' / ')} new users per arm per stage (cumulative ${cumulative(STAGE_USERS).map((n) => n.toLocaleString('en')).join(' / ')}), i.e. ${TRIGGERS_PER_BAKE.toLocaleString('en')} triggers per bake`);

const aa = many(() => simulate(base, base, STAGE_USERS));
console.log(`\nA/A at ${pct(base)}: false positives (promote-on-lift or rollback at any of the looks) ${pct(share(aa, (o) => o.falsePositive))}; naive z-test at every look ${pct(share(aa, (o) => o.naiveFalsePositive))}`);
console.log(`  reached 100%: ${pct(share(aa, (o) => o.decisions.at(-1) === 'complete'))}; rolled back ${pct(share(aa, (o) => o.decisions.includes('rollback')))}`);

// Power: the per-arm size at which the always-valid test, looked at once at the end, has 80% power
// (earlier looks only add to it), found by bisection on its closed form.
const fixed = fixedHorizonSampleSize(base, lifted, PLAN.alpha, 0.8);
const tau = base * PLAN.minimumDetectableLift;
const analyticPower = (n: number) => {
  const expected = (rate: number) => ({ exposed: n, converted: rate * n, clicked: 0 });
  const boundary = mixtureRadius(nullVariance(expected(base), expected(lifted)), tau, PLAN.alpha);
  const sd = Math.sqrt((base * (1 - base) + lifted * (1 - lifted)) / n);
  return 1 - normalCdf(boundary, lifted - base, sd);
};
let lo = 100;
let hi = 1_000_000;
while (hi - lo > 1) {
  const mid = Math.floor((lo + hi) / 2);
  if (analyticPower(mid) >= 0.8) hi = mid;
  else lo = mid;
}
const needed = hi;
// Simulated at that final size, with the rollout's four looks at its stages' cumulative shares.
// Equal bakes: each stage brings users in proportion to its percent, as in the main simulation.
const shares = cumulative(PLAN.stages);
const powerStages = shares.map((c, i) => Math.round((needed * (c - (shares[i - 1] ?? 0))) / shares.at(-1)!));
// No extensions: the per-arm total stays the stated size.
const power = many(() => simulate(base, lifted, powerStages, { ...PLAN, minimumPerArm: 1 }));
console.log(`\npower, ${pct(base)} → ${pct(lifted)} (+${pct(PLAN.minimumDetectableLift)}): fixed-horizon z-test needs ${fixed.toLocaleString('en')} users per arm for 80%;`);
console.log(`  the always-valid test needs ${needed.toLocaleString('en')} per arm (${(needed / fixed).toFixed(2)}× the fixed test, the price of looking at every stage);`);
console.log(`  simulated power at ${needed.toLocaleString('en')} per arm, looks after stages of ${powerStages.map((n) => n.toLocaleString('en')).join(' / ')}: ${pct(share(power, (o) => o.liftDetected))}`);

const drop = many(() => simulate(base, dropped, STAGE_USERS));
console.log(`\ntrue ${pct(PLAN.guardrail.relativeDrop)} drop (${pct(base)} → ${pct(dropped)}): rolled back at the first look (stage ${PLAN.stages[0]}%, ${STAGE_USERS[0]!.toLocaleString('en')} per arm) in ${pct(share(drop, (o) => o.rolledBackAtFirstLook))}; at any look ${pct(share(drop, (o) => o.decisions.includes('rollback')))}`);

function cumulative(values: readonly number[]): number[] {
  let sum = 0;
  return values.map((v) => (sum += v));
}
