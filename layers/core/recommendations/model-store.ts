import type { HybridModel } from './model';

/**
 * Where trained models are kept, by version, with one of them current (the one serving loads). A folder
 * in the local stack; S3 in AWS. Retraining saves a version, then promotes it only if it passed the gate.
 */
export interface ModelStore {
  /** Writes the model under its version; does not make it current. */
  save(model: HybridModel): Promise<{ version: string; location: string; bytes: number }>;
  /** Makes a saved version the one {@link loadCurrent} returns. */
  promote(version: string): Promise<void>;
  /** The current version, if any was promoted. */
  currentVersion(): Promise<string | undefined>;
  /** Throws `ModelArtifactNotFoundError` when the version was never saved. */
  load(version: string): Promise<HybridModel>;
  /** Throws `ModelArtifactNotFoundError` when no version was promoted. */
  loadCurrent(): Promise<HybridModel>;
}
