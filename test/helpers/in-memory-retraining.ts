import type { HybridModel } from '../../layers/core/recommendations/model';
import type { ModelStore } from '../../layers/core/recommendations/model-store';
import { ModelArtifactNotFoundError } from '../../layers/core/recommendations/errors';
import type { ForgottenUsers, InteractionArchive, TrainingState, TrainingStateStore } from '../../layers/core/recommendations/retraining';

/** An archive of objects, each written at a time, holding event lines. */
export class InMemoryArchive implements InteractionArchive {
  readonly objects: { writtenAt: Date; lines: string[] }[] = [];

  add(writtenAt: string, events: readonly object[]): void {
    this.objects.push({ writtenAt: new Date(writtenAt), lines: events.map((event) => JSON.stringify(event)) });
  }

  async *lines(since?: Date): AsyncIterable<string> {
    for (const object of this.objects) if (!since || object.writtenAt >= since) yield* object.lines;
  }
}

export class InMemoryTrainingState implements TrainingStateStore {
  constructor(public state: TrainingState = {}) {}
  async load(): Promise<TrainingState> {
    return structuredClone(this.state);
  }
  async save(state: TrainingState): Promise<void> {
    this.state = structuredClone(state);
  }
}

export const forgetting = (...userIds: string[]): ForgottenUsers => ({ load: async () => (userId: string) => userIds.includes(userId) });

export class InMemoryModelStore implements ModelStore {
  readonly models = new Map<string, HybridModel>();
  current: string | undefined;

  async save(model: HybridModel) {
    this.models.set(model.version, model);
    return { version: model.version, location: `memory://${model.version}`, bytes: JSON.stringify(model).length };
  }
  async promote(version: string) {
    if (!this.models.has(version)) throw new ModelArtifactNotFoundError(version);
    this.current = version;
  }
  async currentVersion() {
    return this.current;
  }
  async load(version: string) {
    const model = this.models.get(version);
    if (!model) throw new ModelArtifactNotFoundError(version);
    return model;
  }
  async loadCurrent() {
    if (!this.current) throw new ModelArtifactNotFoundError('CURRENT');
    return this.load(this.current);
  }
}

/** A purchase event as the archive holds it. */
export const archivedPurchase = (userId: string, at: string, productIds: readonly string[], orderId = `o-${userId}-${at}`) => ({
  type: 'purchase',
  insertId: `p-${orderId}`,
  userId,
  timestamp: at,
  receivedAt: at,
  properties: { orderId, currency: 'GBP', items: productIds.map((productId) => ({ productId, quantity: 1, price: 1 })) },
});
