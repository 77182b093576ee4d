import type { RolloutPlan } from '../../../../layers/core/campaigns/campaign';
import { DEFAULT_ROLLOUT } from '../../../../layers/core/campaigns/parse-campaign';
import { RolloutStateError } from '../../../../layers/core/rollouts/errors';
import { evaluateCurrentStage, finishRollout, startStage, type RolloutStepDeps } from '../../../../layers/core/rollouts/rollout-steps';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { StaticCampaignSource } from '../../../helpers/delivery-fakes';
import { InMemoryExperimentStore } from '../../../helpers/in-memory-experiment-store';

const plan: RolloutPlan = { ...DEFAULT_ROLLOUT, variants: [{ name: 'default', weight: 1 }] };
const campaign = campaignFactory({ id: 'c1', rollout: plan });

const setup = () => {
  const store = new InMemoryExperimentStore();
  const reports = new Map<string, string>();
  const deps: RolloutStepDeps = {
    store,
    campaigns: new StaticCampaignSource([campaign, campaignFactory({ id: 'plain' })]),
    reports: { write: async (campaignId, runId, html) => (reports.set(`${campaignId}/${runId}`, html), `mem://${campaignId}/${runId}.html`) },
    clock: () => new Date('2026-11-24T10:00:00Z'),
  };
  const expose = (arm: 'control' | 'treatment', n: number, converted: number) => {
    for (let i = 0; i < n; i++) {
      const exposure = { userId: `${arm}-${i}`, campaignId: 'c1', runId: 'run-1', arm, ...(arm === 'treatment' && { variant: 'default' }), exposedAt: '2026-11-24T10:00:00Z', lastExposedAt: '2026-11-24T10:00:00Z', messageIds: [`m-${arm}-${i}`], attributionWindowMs: 86_400_000 };
      void store.recordExposure(exposure);
      if (i < converted) void store.recordOutcome(exposure, 'converted', '2026-11-24T11:00:00Z');
    }
  };
  return { store, reports, deps, expose };
};

describe('rollout steps', () => {
  it('starts a run at the first stage with the plan’s bake, and widens it stage by stage', async () => {
    // Prepare
    const { deps, store } = setup();

    // Act
    const first = await startStage(deps, { campaignId: 'c1', runId: 'run-1', stageIndex: 0 });
    const second = await startStage(deps, { campaignId: 'c1', runId: 'run-1', stageIndex: 1, bakeSeconds: 5 });

    // Assess
    expect(first).toEqual({ runId: 'run-1', stageIndex: 0, exposurePercent: 5, bakeSeconds: 86_400 });
    expect(second).toEqual({ runId: 'run-1', stageIndex: 1, exposurePercent: 20, bakeSeconds: 5 });
    expect(await store.exposureOf('c1')).toEqual({ runId: 'run-1', exposurePercent: 20 });
  });

  it('refuses a second run while one is in progress, and campaigns without a rollout', async () => {
    // Prepare
    const { deps } = setup();
    await startStage(deps, { campaignId: 'c1', runId: 'run-1', stageIndex: 0 });

    // Act + Assess
    await expect(startStage(deps, { campaignId: 'c1', runId: 'run-2', stageIndex: 0 })).rejects.toThrow(RolloutStateError);
    await expect(startStage(deps, { campaignId: 'plain', runId: 'run-3', stageIndex: 0 })).rejects.toThrow(/no rollout/);
    await expect(startStage(deps, { campaignId: 'missing', runId: 'run-4', stageIndex: 0 })).rejects.toThrow(/not active/);
  });

  it('evaluates on the run’s counters and keeps the look; a rollback sets exposure to 0 and writes the report', async () => {
    // Prepare
    const { deps, store, reports, expose } = setup();
    await startStage(deps, { campaignId: 'c1', runId: 'run-1', stageIndex: 0 });
    expose('control', 6000, 900);
    expose('treatment', 6000, 700);

    // Act
    const evaluation = await evaluateCurrentStage(deps, { campaignId: 'c1', runId: 'run-1' });
    const finished = await finishRollout(deps, { campaignId: 'c1', runId: 'run-1', decision: evaluation.decision, reason: evaluation.reason });

    // Assess
    expect(evaluation.decision).toBe('rollback');
    expect(finished).toMatchObject({ status: 'rolled-back', exposurePercent: 0, report: 'mem://c1/run-1.html' });
    const state = await store.load('c1');
    expect(state).toMatchObject({ status: 'rolled-back', exposurePercent: 0, looks: [expect.objectContaining({ decision: 'rollback' })] });
    expect(reports.get('c1/run-1')).toContain('rolled-back');
  });

  it('records an operator pause and abort at the next evaluation', async () => {
    // Prepare
    const { deps, store, expose } = setup();
    await startStage(deps, { campaignId: 'c1', runId: 'run-1', stageIndex: 0 });
    expose('control', 200, 30);
    expose('treatment', 200, 31);
    const state = (await store.load('c1'))!;
    await store.save({ ...state, status: 'paused', version: state.version + 1 }, state.version);

    // Act
    const paused = await evaluateCurrentStage(deps, { campaignId: 'c1', runId: 'run-1' });
    const again = (await store.load('c1'))!;
    await store.save({ ...again, abortRequested: true, exposurePercent: 0, version: again.version + 1 }, again.version);
    const aborted = await evaluateCurrentStage(deps, { campaignId: 'c1', runId: 'run-1' });

    // Assess
    expect(paused.decision).toBe('paused');
    expect(aborted.decision).toBe('aborted');
  });
});
