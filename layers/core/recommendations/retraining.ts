import type { Clock } from '../clock';
import type { Interaction } from './interaction';
import type { RankingMetrics } from './metrics';
import type { ModelStore } from './model-store';
import { decidePromotion, decideRetraining } from './promotion';
import { interactionsOfArchivedLine } from './archived-interactions';
import { evaluateOnTemporalHoldout } from './temporal-holdout';
import { trainModel } from './train-model';

/** What retraining remembers between nights (`training/state.json`). */
export interface TrainingState {
  /** When the serving model's training data was read: the gate counts what arrived since. */
  lastTrainedAt?: string;
  /** The serving model and its offline metrics, which a candidate must match. */
  current?: { version: string; metrics: RankingMetrics };
  /** The last night's outcome, for operators. */
  lastOutcome?: { outcome: 'skipped' | 'promoted' | 'kept'; at: string; detail: string; newInteractions?: number };
}

/** The raw event archive (Kinesis Data Firehose → S3): one ingested event per line. */
export interface InteractionArchive {
  /** Every line of the objects written at or after `since` (all of them without it). */
  lines(since?: Date): AsyncIterable<string>;
}

/** Where {@link TrainingState} is kept. */
export interface TrainingStateStore {
  load(): Promise<TrainingState>;
  save(state: TrainingState): Promise<void>;
}

/** Users whose data must not be trained on any more (deletion requests). */
export interface ForgottenUsers {
  /** A predicate over user ids, read once per run. */
  load(): Promise<(userId: string) => boolean>;
}

export interface RetrainingDeps {
  archive: InteractionArchive;
  state: TrainingStateStore;
  forgotten: ForgottenUsers;
  models: ModelStore;
  clock: Clock;
}

/** How the holdout is cut: the last `holdoutDays` of the archive are the test. */
export const DEFAULT_HOLDOUT_DAYS = 14;

/** The interactions of the archive (since `since`), once per archived event, without those of forgotten users. */
export const readInteractions = async (deps: Pick<RetrainingDeps, 'archive' | 'forgotten'>, since?: Date): Promise<Interaction[]> => {
  const isForgotten = await deps.forgotten.load();
  const interactions: Interaction[] = [];
  const seen = new Set<string>();
  for await (const line of deps.archive.lines(since)) {
    for (const interaction of interactionsOfArchivedLine(line, seen)) if (!isForgotten(interaction.userId)) interactions.push(interaction);
  }
  return interactions;
};

/** Gate: run only when at least `threshold` interactions arrived since the last training; a skip is recorded with the count. */
export const checkRetrainingGate = async (deps: RetrainingDeps, threshold: number) => {
  const state = await deps.state.load();
  const since = state.lastTrainedAt ? new Date(state.lastTrainedAt) : undefined;
  const newInteractions = (await readInteractions(deps, since)).filter((i) => !since || Date.parse(i.at) >= since.getTime()).length;
  const decision = decideRetraining(newInteractions, threshold);
  if (!decision.run) {
    await deps.state.save({ ...state, lastOutcome: { outcome: 'skipped', at: deps.clock().toISOString(), detail: decision.reason, newInteractions } });
  }
  return { run: decision.run, newInteractions, threshold, reason: decision.reason };
};

/** Trains a candidate on the whole archive, evaluates it on the temporal holdout and saves it (not current yet). */
export const trainCandidate = async (deps: RetrainingDeps, options: { holdoutDays?: number } = {}) => {
  const now = deps.clock();
  const interactions = await readInteractions(deps);
  const cut = new Date(now.getTime() - (options.holdoutDays ?? DEFAULT_HOLDOUT_DAYS) * 86_400_000);
  const metrics = evaluateOnTemporalHoldout(interactions, { cut });
  const model = trainModel({ interactions, asOf: now.toISOString() });
  const { hitRate, recall, ndcg, coverage, users } = metrics;
  const saved = await deps.models.save(model, { hitRate, recall, ndcg, coverage, evaluatedCustomers: users, trainedAt: now.toISOString() });
  return { candidateVersion: saved.version, bytes: saved.bytes, metrics, interactions: interactions.length, trainedAt: now.toISOString() };
};

/** Promotes the candidate when it is not worse than the serving model (see `decidePromotion`), and records the outcome. */
export const promoteCandidate = async (
  deps: RetrainingDeps,
  candidate: { candidateVersion: string; metrics: RankingMetrics; trainedAt: string },
  tolerance = 0,
) => {
  const state = await deps.state.load();
  const decision = decidePromotion(candidate.metrics, state.current?.metrics, tolerance);
  const at = deps.clock().toISOString();
  if (decision.promote) await deps.models.promote(candidate.candidateVersion);
  await deps.state.save({
    ...state,
    // The data was read either way: the gate counts from here, so a rejected candidate is not retried on the same data.
    lastTrainedAt: candidate.trainedAt,
    ...(decision.promote && { current: { version: candidate.candidateVersion, metrics: candidate.metrics } }),
    lastOutcome: { outcome: decision.promote ? 'promoted' : 'kept', at, detail: decision.reason },
  });
  return { promoted: decision.promote, reason: decision.reason, version: decision.promote ? candidate.candidateVersion : state.current?.version };
};
