import { RolloutStateError } from '../../../../layers/core/rollouts/errors';
import { abortRollout, pauseRollout, resumeRollout } from '../../../../layers/core/rollouts/rollout-commands';
import type { RolloutState } from '../../../../layers/core/rollouts/rollout-state';

const AT = new Date('2026-11-24T10:00:00Z');
const state = (overrides: Partial<RolloutState> = {}): RolloutState => ({
  campaignId: 'c1',
  runId: 'run-1',
  status: 'running',
  stageIndex: 1,
  exposurePercent: 20,
  stages: [5, 20, 50, 100],
  startedAt: AT.toISOString(),
  updatedAt: AT.toISOString(),
  extensions: 0,
  pValues: {},
  looks: [],
  version: 3,
  ...overrides,
});

describe('rollout commands', () => {
  it('pauses a running rollout and resumes it, keeping its exposure', () => {
    // Act
    const paused = pauseRollout(state(), AT);
    const resumed = resumeRollout(paused, AT);

    // Assess
    expect(paused).toMatchObject({ status: 'paused', exposurePercent: 20, version: 4 });
    expect(resumed).toMatchObject({ status: 'running', exposurePercent: 20, version: 5 });
    expect(() => resumeRollout(state(), AT)).toThrow(RolloutStateError);
    expect(() => pauseRollout(state({ status: 'completed' }), AT)).toThrow(/is completed/);
  });

  it('aborts at once: exposure 0, the execution told to stop; a held rollout ends here', () => {
    // Act
    const live = abortRollout(state(), AT);
    const held = abortRollout(state({ status: 'held' }), AT);

    // Assess
    expect(live).toMatchObject({ status: 'running', exposurePercent: 0, abortRequested: true });
    expect(held).toMatchObject({ status: 'aborted', exposurePercent: 0 });
    expect(() => abortRollout(state({ status: 'rolled-back' }), AT)).toThrow(/already rolled-back/);
  });
});
