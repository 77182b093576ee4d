import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ModelArtifactInvalidError, ModelArtifactNotFoundError } from '../core/recommendations/errors';
import type { HybridModel } from '../core/recommendations/model';
import { parseModel, parseModelMetrics, serialiseModel, serialiseModelMetrics } from '../core/recommendations/model-artifact';
import type { ModelMetrics, ModelStore } from '../core/recommendations/model-store';

/** The artifact's file name inside a version's folder. */
export const MODEL_FILE = 'model.json.gz';
/** A version's offline evaluation, beside its artifact. */
export const METRICS_FILE = 'metrics.json';
/** The file at the root that names the current version. */
export const CURRENT_FILE = 'CURRENT';

/** Versions are content-derived (`20111209T1250Z-0123456789ab`); anything else could escape the folder. */
const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._-]*$/;

/**
 * Models in a local folder (the local stack's `.local-stack/models/`): `<root>/<version>/model.json.gz`
 * plus `<root>/CURRENT` holding the promoted version. Writes go to a temporary name first and are
 * renamed into place, so a reader never sees half a file.
 */
export class LocalModelStore implements ModelStore {
  constructor(private readonly root: string) {}

  async save(model: HybridModel, metrics?: ModelMetrics): Promise<{ version: string; location: string; bytes: number }> {
    const folder = join(this.root, checkedVersion(model.version));
    await mkdir(folder, { recursive: true });
    const body = gzipSync(serialiseModel(model));
    const location = join(folder, MODEL_FILE);
    await writeAtomically(location, body);
    if (metrics) await writeAtomically(join(folder, METRICS_FILE), serialiseModelMetrics(metrics));
    return { version: model.version, location, bytes: body.length };
  }

  /** The version's offline metrics; undefined when it was saved without them. */
  async metricsOf(version: string): Promise<ModelMetrics | undefined> {
    const location = join(this.root, checkedVersion(version), METRICS_FILE);
    const text = await readFile(location, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : parseModelMetrics(text, location);
  }

  async promote(version: string): Promise<void> {
    await this.load(version);
    await writeAtomically(join(this.root, CURRENT_FILE), `${version}\n`);
  }

  async currentVersion(): Promise<string | undefined> {
    const text = await readFile(join(this.root, CURRENT_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text?.trim() || undefined;
  }

  async load(version: string): Promise<HybridModel> {
    const location = join(this.root, checkedVersion(version), MODEL_FILE);
    const body = await readFile(location).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new ModelArtifactNotFoundError(location, { cause: error });
      throw error;
    });
    let text: string;
    try {
      text = gunzipSync(body).toString('utf8');
    } catch (error) {
      throw new ModelArtifactInvalidError(`${location} is not gzip`, { cause: error });
    }
    return parseModel(text);
  }

  async loadCurrent(): Promise<HybridModel> {
    const version = await this.currentVersion();
    if (version === undefined) throw new ModelArtifactNotFoundError(join(this.root, CURRENT_FILE));
    return this.load(version);
  }
}

/** Saves the model and makes it current: what `npm run eval:recs -- --write-model <dir>` does. */
export const writeModelFolder = async (root: string, model: HybridModel): Promise<{ version: string; path: string; bytes: number }> => {
  const store = new LocalModelStore(root);
  const { location, bytes } = await store.save(model);
  await store.promote(model.version);
  return { version: model.version, path: location, bytes };
};

const checkedVersion = (version: string): string => {
  if (!VERSION_PATTERN.test(version)) throw new ModelArtifactInvalidError(`version ${JSON.stringify(version)} is not a safe folder name`);
  return version;
};

const writeAtomically = async (path: string, body: Buffer | string): Promise<void> => {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, body);
  await rename(temporary, path);
};
