import type { Campaign, RolloutPlan } from '../campaigns/campaign';
import type { Clock } from '../clock';
import type { CampaignSource, RolloutStore } from '../ports';
import { RolloutStateError } from './errors';
import { evaluateStage, type RolloutDecision } from './evaluate-stage';
import { renderRolloutReport } from './rollout-report';
import { LIVE_STATUSES, type RolloutState, type RolloutStatus } from './rollout-state';

/** Where finished rollouts' reports go (S3 in AWS; the local stack also copies them to a file). */
export interface ReportSink {
  /** Stores the HTML and returns where it is. */
  write(campaignId: string, runId: string, html: string): Promise<string>;
}

export interface RolloutStepDeps {
  store: RolloutStore;
  campaigns: CampaignSource;
  reports: ReportSink;
  clock: Clock;
}

/**
 * The Rollout state machine's steps (functions/rollouts/rollout-step.handler.ts runs them):
 * start a stage → (bake) → evaluate → finish. Each reads and writes the rollout state with the version
 * it read, so the CLI (pause, abort) and the state machine never overwrite each other.
 */
export const startStage = async (deps: RolloutStepDeps, input: { campaignId: string; runId: string; stageIndex: number; bakeSeconds?: number }) => {
  const campaign = await rolloutCampaign(deps.campaigns, input.campaignId);
  const plan = campaign.rollout!;
  const current = await deps.store.load(input.campaignId);
  const now = deps.clock().toISOString();
  let state: RolloutState;
  if (input.stageIndex === 0) {
    if (current && LIVE_STATUSES.has(current.status) && current.runId !== input.runId) {
      throw new RolloutStateError(`${input.campaignId} already has a rollout in progress (run ${current.runId}, ${current.status}): abort it first`);
    }
    state = {
      campaignId: input.campaignId,
      runId: input.runId,
      status: 'running',
      stageIndex: 0,
      exposurePercent: plan.stages[0]!,
      stages: plan.stages,
      startedAt: now,
      updatedAt: now,
      extensions: 0,
      pValues: {},
      looks: [],
      version: (current?.version ?? 0) + 1,
    };
  } else {
    if (!current || current.runId !== input.runId) throw new RolloutStateError(`run ${input.runId} of ${input.campaignId} is not the current rollout`);
    if (!LIVE_STATUSES.has(current.status)) throw new RolloutStateError(`the rollout of ${input.campaignId} is ${current.status}`);
    state = { ...current, stageIndex: input.stageIndex, exposurePercent: current.stages[input.stageIndex]!, extensions: 0, updatedAt: now, version: current.version + 1 };
  }
  await deps.store.save(state, current?.version ?? 0);
  return { runId: state.runId, stageIndex: state.stageIndex, exposurePercent: state.exposurePercent, bakeSeconds: input.bakeSeconds ?? Math.round(plan.bakeMs / 1000) };
};

/** Evaluates the current stage on the run's counters; the look is kept in the state. */
export const evaluateCurrentStage = async (deps: RolloutStepDeps, input: { campaignId: string; runId: string }) => {
  const state = await currentRun(deps.store, input);
  const plan = await planOf(deps.campaigns, input.campaignId);
  const counts = await deps.store.counts(input.campaignId, input.runId);
  const { pValues, ...look } = evaluateStage({
    plan,
    stages: state.stages,
    stageIndex: state.stageIndex,
    counts,
    pValues: state.pValues,
    extensions: state.extensions,
    paused: state.status === 'paused',
    abortRequested: state.abortRequested === true,
    now: deps.clock(),
  });
  await deps.store.save(
    { ...state, looks: [...state.looks, look], pValues, extensions: look.decision === 'extend' ? state.extensions + 1 : state.extensions, updatedAt: look.at, version: state.version + 1 },
    state.version,
  );
  return { decision: look.decision, reason: look.reason, ...(look.nextStageIndex !== undefined && { nextStageIndex: look.nextStageIndex }), exposurePercent: look.exposurePercent };
};

const FINAL_STATUS: Partial<Record<RolloutDecision, RolloutStatus>> = { complete: 'completed', rollback: 'rolled-back', hold: 'held', aborted: 'aborted' };

/**
 * Ends the run after a final decision: completed (exposure stays 100%), rolled back or aborted (exposure
 * 0: nobody new is messaged), held (exposure kept, nothing widens until someone looks). Writes the report.
 */
export const finishRollout = async (deps: RolloutStepDeps, input: { campaignId: string; runId: string; decision: RolloutDecision; reason: string }) => {
  const status = FINAL_STATUS[input.decision];
  if (!status) throw new RolloutStateError(`${input.decision} does not end a rollout`);
  const state = await currentRun(deps.store, input);
  const campaign = await deps.campaigns.active().then((all) => all.find((c) => c.id === input.campaignId));
  const finished: RolloutState = {
    ...state,
    status,
    reason: input.reason,
    exposurePercent: status === 'rolled-back' || status === 'aborted' ? 0 : state.exposurePercent,
    updatedAt: deps.clock().toISOString(),
    version: state.version + 1,
  };
  finished.report = await deps.reports.write(input.campaignId, input.runId, renderRolloutReport({ state: finished, campaignName: campaign?.name ?? input.campaignId }));
  await deps.store.save(finished, state.version);
  return { campaignId: input.campaignId, runId: input.runId, status, reason: input.reason, exposurePercent: finished.exposurePercent, report: finished.report };
};

const currentRun = async (store: RolloutStore, input: { campaignId: string; runId: string }): Promise<RolloutState> => {
  const state = await store.load(input.campaignId);
  if (!state || state.runId !== input.runId) throw new RolloutStateError(`run ${input.runId} of ${input.campaignId} is not the current rollout`);
  return state;
};

const rolloutCampaign = async (campaigns: CampaignSource, campaignId: string): Promise<Campaign> => {
  const campaign = (await campaigns.active()).find((c) => c.id === campaignId);
  if (!campaign) throw new RolloutStateError(`campaign ${campaignId} is not active: activate it before rolling it out`);
  if (!campaign.rollout) throw new RolloutStateError(`campaign ${campaignId} has no rollout or experiment section`);
  return campaign;
};

/** The plan of the campaign; deactivating a campaign mid-rollout fails its next evaluation (and alerts): abort the rollout instead. */
const planOf = async (campaigns: CampaignSource, campaignId: string): Promise<RolloutPlan> => (await rolloutCampaign(campaigns, campaignId)).rollout!;
