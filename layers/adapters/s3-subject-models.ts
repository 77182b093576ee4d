import type { S3Client } from '@aws-sdk/client-s3';
import type { StoreExport, SubjectStore } from '../core/compliance/subject-stores';
import { MODEL_FILE } from './local-model-store';
import { S3ModelStore } from './s3-model-store';
import { S3ForgottenUsers } from './s3-retraining-stores';
import { S3Objects } from './s3-objects';

/**
 * The user's history in the built-in model's artifacts (`models/<version>/model.json.gz`, every version
 * kept, not only the serving one) and the deletion marker retraining reads. Erasure removes the user's
 * history from each artifact and records the marker, so no later training reads the user again. The
 * item-to-item neighbour scores are aggregates over all users, like the KPI counters, and stay until the
 * next training recomputes them without the user.
 */
export class S3SubjectModels implements SubjectStore {
  readonly name = 'models' as const;
  private readonly models: S3ModelStore;
  private readonly objects: S3Objects;
  private readonly forgotten: S3ForgottenUsers;

  constructor(client: S3Client, bucket: string) {
    this.models = new S3ModelStore(client, bucket);
    this.objects = new S3Objects(client, bucket);
    this.forgotten = new S3ForgottenUsers(client, bucket);
  }

  async export(userId: string): Promise<StoreExport> {
    const items: unknown[] = [];
    for (const version of await this.versions()) {
      const model = await this.models.load(version);
      const history = model.users.get(userId);
      if (history) items.push({ modelVersion: version, trainedAt: model.trainedAt, items: history.items.map((n) => model.items[n]), weights: [...history.weights] });
    }
    return { store: this.name, items };
  }

  async erase(userId: string): Promise<number> {
    // The marker first: a training that starts during the erasure leaves the user out.
    await this.forgotten.forget(userId);
    let count = 0;
    for (const version of await this.versions()) {
      const model = await this.models.load(version);
      if (!model.users.has(userId)) continue;
      await this.models.save({ ...model, users: new Map([...model.users].filter(([id]) => id !== userId)) });
      count += 1;
    }
    return count;
  }

  private async versions(): Promise<string[]> {
    const versions: string[] = [];
    for await (const object of this.objects.list('models/')) {
      const match = /^models\/([^/]+)\/(.+)$/.exec(object.key);
      if (match?.[2] === MODEL_FILE) versions.push(match[1]!);
    }
    return versions;
  }
}
