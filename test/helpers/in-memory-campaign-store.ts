import type { SetActiveOptions } from '../../layers/adapters/dynamo-campaign-store';
import type { Campaign } from '../../layers/core/campaigns/campaign';
import { CampaignNotFoundError, CampaignVersionConflictError } from '../../layers/core/campaigns/errors';
import type { CampaignStore, StoredCampaign } from '../../layers/core/ports';

/** A campaign store with the DynamoDB adapter's semantics (versions, no-op writes, typed errors), in memory. */
export class InMemoryCampaignStore implements CampaignStore {
  readonly items = new Map<string, StoredCampaign>();
  reads = 0;

  /** Seeds stored campaigns directly, e.g. `new InMemoryCampaignStore().with(campaign, { active: true })`. */
  with(campaign: Campaign, state: { active?: boolean; version?: number; updatedAt?: string } = {}): this {
    this.items.set(campaign.id, { campaign: structuredClone(campaign), active: state.active ?? false, version: state.version ?? 1, updatedAt: state.updatedAt ?? '2026-11-22T00:00:00.000Z' });
    return this;
  }

  async active() {
    this.reads += 1;
    return [...this.items.values()].filter((s) => s.active).map((s) => structuredClone(s.campaign));
  }
  async list() {
    return [...this.items.values()].map((s) => structuredClone(s)).sort((a, b) => (a.campaign.id < b.campaign.id ? -1 : 1));
  }
  async get(id: string) {
    const item = this.items.get(id);
    return item && structuredClone(item);
  }
  async put(campaign: Campaign, at: Date) {
    const current = this.items.get(campaign.id);
    const definition = JSON.parse(JSON.stringify(campaign)) as Campaign;
    if (current && JSON.stringify(current.campaign) === JSON.stringify(definition)) return structuredClone(current);
    const stored = { campaign: definition, active: current?.active ?? false, version: (current?.version ?? 0) + 1, updatedAt: at.toISOString() };
    this.items.set(campaign.id, stored);
    return structuredClone(stored);
  }
  async setActive(id: string, active: boolean, at: Date, options: SetActiveOptions = {}) {
    const current = this.items.get(id);
    if (!current) throw new CampaignNotFoundError(id);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) throw new CampaignVersionConflictError(id, options.expectedVersion);
    if (current.active === active) return structuredClone(current);
    const stored = { ...current, active, version: current.version + 1, updatedAt: at.toISOString() };
    this.items.set(id, stored);
    return structuredClone(stored);
  }
}
