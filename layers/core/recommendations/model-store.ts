import type { HybridModel } from './model';

/**
 * A version's offline evaluation, kept beside its artifact (`<version>/metrics.json`), so that an operator
 * (or the promotion gate) can see what a version scored without retraining it.
 */
export interface ModelMetrics {
  hitRate: number;
  recall: number;
  ndcg: number;
  coverage: number;
  /** How many customers the figures average over. */
  evaluatedCustomers: number;
  /** ISO-8601: when the evaluated model was trained. */
  trainedAt: string;
}

/**
 * Where trained models are kept, by version, with one of them current (the one serving loads). A folder
 * in the local stack; S3 in AWS. Retraining saves a version, then promotes it only if it passed the gate.
 */
export interface ModelStore {
  /** Writes the model (and its offline metrics, when given) under its version; does not make it current. */
  save(model: HybridModel, metrics?: ModelMetrics): Promise<{ version: string; location: string; bytes: number }>;
  /** Makes a saved version the one {@link loadCurrent} returns. */
  promote(version: string): Promise<void>;
  /** The current version, if any was promoted. */
  currentVersion(): Promise<string | undefined>;
  /** Throws `ModelArtifactNotFoundError` when the version was never saved. */
  load(version: string): Promise<HybridModel>;
  /** Throws `ModelArtifactNotFoundError` when no version was promoted. */
  loadCurrent(): Promise<HybridModel>;
}
