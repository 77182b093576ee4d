import type { PipelineEvent } from '../../../../layers/core/contract/pipeline-event';
import { attributeOutcomes } from '../../../../layers/core/rollouts/attribute-outcomes';
import type { Exposure } from '../../../../layers/core/rollouts/exposure';
import { InMemoryExperimentStore } from '../../../helpers/in-memory-experiment-store';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const exposure = (overrides: Partial<Exposure> = {}): Exposure => ({
  userId: 'ann',
  campaignId: 'c1',
  runId: 'run-1',
  arm: 'treatment',
  variant: 'default',
  exposedAt: iso(0),
  lastExposedAt: iso(0),
  messageIds: ['m-1'],
  attributionWindowMs: 24 * HOUR,
  ...overrides,
});
const purchase = (at: number, userId = 'ann') => ({ profileKey: userId, event: { type: 'purchase', insertId: `p-${at}`, userId, timestamp: iso(at), properties: {} } as unknown as PipelineEvent });
const open = (messageId: string, at = HOUR) => ({ profileKey: 'ann', event: { type: 'push_open', insertId: `o-${messageId}`, userId: 'ann', timestamp: iso(at), properties: { messageId } } as unknown as PipelineEvent });

describe('attributeOutcomes', () => {
  it('counts a purchase within the window after exposure as one conversion of the arm, once', async () => {
    // Prepare
    const store = new InMemoryExperimentStore();
    await store.recordExposure(exposure());

    // Act
    const first = await attributeOutcomes([purchase(2 * HOUR), purchase(3 * HOUR)], store);
    const replay = await attributeOutcomes([purchase(2 * HOUR)], store);

    // Assess
    expect(first).toMatchObject({ conversions: 1 });
    expect(replay).toMatchObject({ conversions: 0 });
    expect((await store.counts('c1', 'run-1')).variants.default).toEqual({ exposed: 1, converted: 1, clicked: 0 });
  });

  it('ignores purchases before the exposure or after the window, and users never exposed', async () => {
    // Prepare
    const store = new InMemoryExperimentStore();
    await store.recordExposure(exposure({ arm: 'control', variant: undefined }));

    // Act
    const result = await attributeOutcomes([purchase(-HOUR), purchase(25 * HOUR), purchase(HOUR, 'bob')], store);

    // Assess
    expect(result.conversions).toBe(0);
    expect((await store.counts('c1', 'run-1')).control).toEqual({ exposed: 1, converted: 0, clicked: 0 });
  });

  it('counts an open of one of the run’s messages as a click, and not an open of another message', async () => {
    // Prepare
    const store = new InMemoryExperimentStore();
    await store.recordExposure(exposure());

    // Act
    const other = await attributeOutcomes([open('m-other')], store);
    const ours = await attributeOutcomes([open('m-1')], store);

    // Assess
    expect(other.clicks).toBe(0);
    expect(ours.clicks).toBe(1);
  });

  it('reports a user whose exposures cannot be read, and still attributes the others', async () => {
    // Prepare
    const store = new InMemoryExperimentStore();
    await store.recordExposure(exposure());
    await store.recordExposure(exposure({ userId: 'bob' }));
    const failing = Object.assign(Object.create(store) as InMemoryExperimentStore, {
      exposuresOf: async (userId: string) => {
        if (userId === 'bob') throw new Error('throttled');
        return store.exposuresOf(userId);
      },
    });

    // Act
    const result = await attributeOutcomes([purchase(HOUR), purchase(HOUR, 'bob')], failing);

    // Assess
    expect(result.conversions).toBe(1);
    expect([...result.failed.keys()]).toEqual(['bob']);
  });
});
