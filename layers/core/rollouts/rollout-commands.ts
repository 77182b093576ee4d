import { RolloutStateError } from './errors';
import { LIVE_STATUSES, type RolloutState } from './rollout-state';

/**
 * What an operator may do to a rollout (the CLI), as changes of its state; each refuses, naming why,
 * when it does not apply. The state machine reads the result at its next evaluation.
 */

/** Keeps the exposure and stops widening; the guardrail is still evaluated after every bake. */
export const pauseRollout = (state: RolloutState, at: Date): RolloutState => {
  if (state.status !== 'running') throw new RolloutStateError(`cannot pause: the rollout of ${state.campaignId} is ${state.status}`);
  return { ...state, status: 'paused', updatedAt: at.toISOString(), version: state.version + 1 };
};

export const resumeRollout = (state: RolloutState, at: Date): RolloutState => {
  if (state.status !== 'paused') throw new RolloutStateError(`cannot resume: the rollout of ${state.campaignId} is ${state.status}, not paused`);
  return { ...state, status: 'running', updatedAt: at.toISOString(), version: state.version + 1 };
};

/**
 * Exposure to 0 at once (deliver sees it within the campaign cache's TTL). A live rollout's execution
 * ends at its next evaluation (status `aborted`, with its report); a held one is ended here.
 */
export const abortRollout = (state: RolloutState, at: Date): RolloutState => {
  const live = LIVE_STATUSES.has(state.status);
  if (!live && state.status !== 'held') throw new RolloutStateError(`cannot abort: the rollout of ${state.campaignId} is already ${state.status}`);
  return {
    ...state,
    exposurePercent: 0,
    ...(live ? { abortRequested: true } : { status: 'aborted' as const, reason: 'aborted by an operator while held' }),
    updatedAt: at.toISOString(),
    version: state.version + 1,
  };
};
