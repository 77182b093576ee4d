import type { S3Client } from '@aws-sdk/client-s3';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ModelArtifactInvalidError, ModelArtifactNotFoundError } from '../core/recommendations/errors';
import type { HybridModel } from '../core/recommendations/model';
import { parseModel, parseModelMetrics, serialiseModel, serialiseModelMetrics } from '../core/recommendations/model-artifact';
import type { ModelMetrics, ModelStore } from '../core/recommendations/model-store';
import { CURRENT_FILE, METRICS_FILE, MODEL_FILE } from './local-model-store';
import { S3Objects } from './s3-objects';

/**
 * Models in S3, laid out as LocalModelStore lays them out in a folder, byte for byte:
 * `<prefix><version>/model.json.gz`, `<prefix><version>/metrics.json` (when saved with metrics) and
 * `<prefix>CURRENT` naming the promoted version. A PutObject is atomic, so a reader never sees
 * half an artifact; promotion writes CURRENT only after the version was read back whole.
 */
export class S3ModelStore implements ModelStore {
  private readonly objects: S3Objects;

  constructor(
    client: S3Client,
    bucket: string,
    private readonly prefix = 'models/',
  ) {
    this.objects = new S3Objects(client, bucket);
  }

  async save(model: HybridModel, metrics?: ModelMetrics): Promise<{ version: string; location: string; bytes: number }> {
    const body = gzipSync(serialiseModel(model));
    const key = this.keyOf(model.version);
    await this.objects.write(key, body, 'application/gzip');
    if (metrics) await this.objects.write(this.keyOf(model.version, METRICS_FILE), serialiseModelMetrics(metrics), 'application/json');
    return { version: model.version, location: `s3://${this.objects.bucket}/${key}`, bytes: body.length };
  }

  /** The version's offline metrics; undefined when it was saved without them. */
  async metricsOf(version: string): Promise<ModelMetrics | undefined> {
    const key = this.keyOf(version, METRICS_FILE);
    const body = await this.objects.read(key);
    return body ? parseModelMetrics(Buffer.from(body).toString('utf8'), `s3://${this.objects.bucket}/${key}`) : undefined;
  }

  async promote(version: string): Promise<void> {
    await this.load(version);
    await this.objects.write(`${this.prefix}${CURRENT_FILE}`, `${version}\n`, 'text/plain');
  }

  async currentVersion(): Promise<string | undefined> {
    const body = await this.objects.read(`${this.prefix}${CURRENT_FILE}`);
    return body ? Buffer.from(body).toString('utf8').trim() || undefined : undefined;
  }

  async load(version: string): Promise<HybridModel> {
    const key = this.keyOf(version);
    const body = await this.objects.read(key);
    if (!body) throw new ModelArtifactNotFoundError(`s3://${this.objects.bucket}/${key}`);
    let text: string;
    try {
      text = gunzipSync(body).toString('utf8');
    } catch (error) {
      throw new ModelArtifactInvalidError(`s3://${this.objects.bucket}/${key} is not gzip`, { cause: error });
    }
    return parseModel(text);
  }

  async loadCurrent(): Promise<HybridModel> {
    const version = await this.currentVersion();
    if (version === undefined) throw new ModelArtifactNotFoundError(`s3://${this.objects.bucket}/${this.prefix}${CURRENT_FILE}`);
    return this.load(version);
  }

  private keyOf(version: string, file = MODEL_FILE): string {
    // Versions are content-derived (`20111209T1250Z-0123456789ab`): anything else could climb out of the prefix.
    if (!/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(version)) throw new ModelArtifactInvalidError(`version ${JSON.stringify(version)} is not a safe key`);
    return `${this.prefix}${version}/${file}`;
  }
}
