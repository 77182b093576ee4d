import { DynamoExperimentStore } from '../../../layers/adapters/dynamo-experiment-store';
import { RolloutVersionConflictError } from '../../../layers/core/rollouts/errors';
import type { Exposure } from '../../../layers/core/rollouts/exposure';
import type { RolloutState } from '../../../layers/core/rollouts/rollout-state';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { TEST_YEAR } from '../../helpers/test-calendar';

const AT = `${TEST_YEAR}-11-24T10:00:00.000Z`;
const exposure = (overrides: Partial<Exposure> = {}): Exposure => ({
  userId: 'ann',
  campaignId: 'c1',
  runId: 'run-1',
  arm: 'treatment',
  variant: 'bold',
  exposedAt: AT,
  lastExposedAt: AT,
  messageIds: ['m-1'],
  attributionWindowMs: 86_400_000,
  ...overrides,
});
const state = (overrides: Partial<RolloutState> = {}): RolloutState => ({
  campaignId: 'c1',
  runId: 'run-1',
  status: 'running',
  stageIndex: 0,
  exposurePercent: 5,
  stages: [5, 20, 50, 100],
  startedAt: AT,
  updatedAt: AT,
  extensions: 0,
  pValues: {},
  looks: [],
  version: 1,
  ...overrides,
});

describeWithAws('DynamoExperimentStore against DynamoDB', () => {
  let target: AwsTarget;
  let store: DynamoExperimentStore;

  beforeAll(async () => {
    target = await startAwsTarget();
    store = new DynamoExperimentStore(target.clients.document, resourceOf(await provisionPipeline(target, 'experiments-'), 'Experiments').name);
  });
  afterAll(() => target?.stop());

  it('keeps the rollout state behind its version', async () => {
    // Act
    await store.save(state(), 0);
    await store.save(state({ exposurePercent: 20, version: 2 }), 1);

    // Assess
    await expect(store.save(state({ version: 2 }), 1)).rejects.toThrow(RolloutVersionConflictError);
    expect(await store.load('c1')).toEqual(state({ exposurePercent: 20, version: 2 }));
    expect(await store.exposureOf('c1')).toEqual({ runId: 'run-1', exposurePercent: 20 });
    expect(await store.exposureOf('nothing')).toBeUndefined();
  });

  it('counts an exposure once per user and run, however often it is recorded, and again in a new run', async () => {
    // Act
    const results = await Promise.all([store.recordExposure(exposure()), store.recordExposure(exposure()), store.recordExposure(exposure({ messageIds: ['m-2'], lastExposedAt: `${TEST_YEAR}-12-02T10:00:00.000Z` }))]);
    await store.recordExposure(exposure({ userId: 'bob', arm: 'control', variant: undefined }));
    await store.recordExposure(exposure({ runId: 'run-2' }));

    // Assess
    expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
    expect(await store.counts('c1', 'run-1')).toEqual({ control: { exposed: 1, converted: 0, clicked: 0 }, variants: { bold: { exposed: 1, converted: 0, clicked: 0 } } });
    expect((await store.counts('c1', 'run-2')).variants.bold!.exposed).toBe(1);
    const [ann] = await store.exposuresOf('ann');
    expect(ann).toMatchObject({ runId: 'run-2' });
  });

  it('counts a conversion and a click once each, atomically with the exposure', async () => {
    // Prepare
    await store.recordExposure(exposure({ userId: 'cat', campaignId: 'c2' }));
    const [cat] = await store.exposuresOf('cat');

    // Act
    const conversions = await Promise.all([store.recordOutcome(cat!, 'converted', AT), store.recordOutcome(cat!, 'converted', AT)]);
    const click = await store.recordOutcome(cat!, 'clicked', AT);

    // Assess
    expect(conversions.sort()).toEqual([false, true]);
    expect(click).toBe(true);
    expect((await store.counts('c2', 'run-1')).variants.bold).toEqual({ exposed: 1, converted: 1, clicked: 1 });
    expect((await store.exposuresOf('cat'))[0]).toMatchObject({ convertedAt: AT, clickedAt: AT });
  });
});
