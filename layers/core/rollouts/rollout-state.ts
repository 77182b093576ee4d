import type { StageEvaluation } from './evaluate-stage';

export type RolloutStatus = 'running' | 'paused' | 'held' | 'rolled-back' | 'completed' | 'aborted';

/** Statuses in which the rollout state machine is (or may be) still executing. */
export const LIVE_STATUSES: ReadonlySet<RolloutStatus> = new Set(['running', 'paused']);

/**
 * A campaign's rollout, as the Experiments table keeps it: what deliver reads (exposure) and what the
 * state machine, the CLI and the report write. One per campaign; a new `start` begins a new run, with
 * fresh counters, so a restarted rollout is never judged on an earlier run's users.
 */
export interface RolloutState {
  campaignId: string;
  /** Names the run; counters and exposures are kept per run. */
  runId: string;
  status: RolloutStatus;
  /** Index in the plan's stages of the current stage. */
  stageIndex: number;
  /** Percent of the audience exposed now (0 after a rollback or an abort). */
  exposurePercent: number;
  /** The plan the run was started with (a later edit of the campaign file does not change a running rollout's stages). */
  stages: number[];
  startedAt: string;
  updatedAt: string;
  /** The Step Functions execution running it. */
  executionArn?: string;
  /** How many times the current stage was extended for want of users. */
  extensions: number;
  /** Running minimum of the primary test's always-valid p-value (per comparison: `primary`, `variant:<name>`). */
  pValues: Record<string, number>;
  /** Every evaluation so far, in order. */
  looks: StageEvaluation[];
  /** Why it stopped, when it did. */
  reason?: string;
  /** Where the report is (S3 key or file). */
  report?: string;
  /** Set by the CLI; acted on at the next evaluation. */
  abortRequested?: boolean;
  /** Incremented on every write; writes are conditional on it. */
  version: number;
}
