import type { ExposureLog, RolloutExposureSource, RolloutStore } from '../../layers/core/ports';
import { emptyArm, type ArmCounts, type RunCounts } from '../../layers/core/rollouts/arm-counts';
import { RolloutVersionConflictError } from '../../layers/core/rollouts/errors';
import { armKeyOf, type Exposure } from '../../layers/core/rollouts/exposure';
import type { RolloutState } from '../../layers/core/rollouts/rollout-state';

/** The Experiments table in memory, with the DynamoDB adapter's conditions. */
export class InMemoryExperimentStore implements RolloutStore, RolloutExposureSource, ExposureLog {
  readonly states = new Map<string, RolloutState>();
  readonly exposures = new Map<string, Exposure>();
  readonly arms = new Map<string, ArmCounts>();

  async load(campaignId: string) {
    const state = this.states.get(campaignId);
    return state && structuredClone(state);
  }

  async save(state: RolloutState, expectedVersion: number) {
    if ((this.states.get(state.campaignId)?.version ?? 0) !== expectedVersion) throw new RolloutVersionConflictError(state.campaignId, expectedVersion);
    this.states.set(state.campaignId, structuredClone(state));
  }

  async exposureOf(campaignId: string) {
    const state = this.states.get(campaignId);
    return state && { runId: state.runId, exposurePercent: state.exposurePercent };
  }

  async counts(campaignId: string, runId: string): Promise<RunCounts> {
    const counts: RunCounts = { control: emptyArm(), variants: {} };
    for (const [key, arm] of this.arms) {
      const [campaign, run, armKey] = key.split('|');
      if (campaign !== campaignId || run !== runId) continue;
      if (armKey === 'control') counts.control = { ...arm };
      else counts.variants[armKey!.replace(/^variant#/, '')] = { ...arm };
    }
    return counts;
  }

  async recordExposure(exposure: Exposure) {
    const key = `${exposure.userId}|${exposure.campaignId}`;
    const stored = this.exposures.get(key);
    if (stored && stored.runId === exposure.runId) {
      if (!stored.messageIds.includes(exposure.messageIds[0]!)) {
        stored.messageIds.push(...exposure.messageIds);
        stored.lastExposedAt = exposure.lastExposedAt;
      }
      return 'seen-before' as const;
    }
    this.exposures.set(key, structuredClone(exposure));
    this.arm(exposure).exposed++;
    return 'recorded' as const;
  }

  async exposuresOf(userId: string) {
    return [...this.exposures.values()].filter((e) => e.userId === userId).map((e) => structuredClone(e));
  }

  async recordOutcome(exposure: Exposure, outcome: 'converted' | 'clicked', at: string) {
    const stored = this.exposures.get(`${exposure.userId}|${exposure.campaignId}`);
    const field = outcome === 'converted' ? 'convertedAt' : 'clickedAt';
    if (!stored || stored.runId !== exposure.runId || stored[field]) return false;
    stored[field] = at;
    this.arm(exposure)[outcome]++;
    return true;
  }

  private arm(exposure: Exposure): ArmCounts {
    const key = `${exposure.campaignId}|${exposure.runId}|${armKeyOf(exposure)}`;
    if (!this.arms.has(key)) this.arms.set(key, emptyArm());
    return this.arms.get(key)!;
  }
}
