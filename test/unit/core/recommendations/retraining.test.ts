import { interactionsOfArchivedLine } from '../../../../layers/core/recommendations/archived-interactions';
import { decidePromotion, decideRetraining } from '../../../../layers/core/recommendations/promotion';
import { checkRetrainingGate, promoteCandidate, trainCandidate, type RetrainingDeps } from '../../../../layers/core/recommendations/retraining';
import { evaluateOnTemporalHoldout } from '../../../../layers/core/recommendations/temporal-holdout';
import { archivedPurchase, forgetting, InMemoryArchive, InMemoryModelStore, InMemoryTrainingState } from '../../../helpers/in-memory-retraining';

const NOW = new Date('2026-11-24T03:00:00.000Z');
const BEFORE = '2026-11-01T12:00:00.000Z';
const AFTER = '2026-11-20T12:00:00.000Z';
const metrics = (hitRate: number, users = 10) => ({ users, hitRate, recall: hitRate / 2, ndcg: hitRate / 3, coverage: 0.5 });

/** 20 users bought A and B, then C; 20 others bought A, B and C together: C is what goes with A and B. */
const coPurchaseArchive = () => {
  const archive = new InMemoryArchive();
  const early = Array.from({ length: 20 }, (_, i) => archivedPurchase(`early-${i}`, BEFORE, ['A', 'B']));
  const together = Array.from({ length: 20 }, (_, i) => archivedPurchase(`together-${i}`, BEFORE, ['A', 'B', 'C']));
  archive.add(BEFORE, [...early, ...together]);
  archive.add(AFTER, Array.from({ length: 20 }, (_, i) => archivedPurchase(`early-${i}`, AFTER, ['C'])));
  return archive;
};

const depsWith = (archive: InMemoryArchive, overrides: Partial<RetrainingDeps> = {}) => {
  const models = new InMemoryModelStore();
  const state = new InMemoryTrainingState();
  const deps: RetrainingDeps = { archive, state, models, forgotten: forgetting(), clock: () => NOW, ...overrides };
  return { deps, models, state };
};

describe('interactionsOfArchivedLine', () => {
  it.each([
    ['a product view', { type: 'product_view', userId: 'u', timestamp: BEFORE, properties: { productId: 'A' } }, [{ userId: 'u', itemId: 'A', at: BEFORE, kind: 'view' }]],
    ['an add to cart', { type: 'add_to_cart', userId: 'u', timestamp: BEFORE, properties: { productId: 'A' } }, [{ userId: 'u', itemId: 'A', at: BEFORE, kind: 'add_to_cart' }]],
    ['a login', { type: 'login', userId: 'u', timestamp: BEFORE, properties: {} }, []],
    ['an anonymous view', { type: 'product_view', anonymousId: 'a', timestamp: BEFORE, properties: { productId: 'A' } }, []],
    ['a view without a product', { type: 'product_view', userId: 'u', timestamp: BEFORE, properties: {} }, []],
  ])('reads %s', (_case, event, expected) => {
    // Act
    const interactions = interactionsOfArchivedLine(JSON.stringify(event));

    // Assess
    expect(interactions).toEqual(expected);
  });

  it('reads a purchase as one interaction per line item, in one basket', () => {
    // Act
    const interactions = interactionsOfArchivedLine(JSON.stringify(archivedPurchase('u', BEFORE, ['A', 'B'], 'o-1')));

    // Assess
    expect(interactions).toEqual([
      { userId: 'u', itemId: 'A', at: BEFORE, kind: 'purchase', basketId: 'o-1' },
      { userId: 'u', itemId: 'B', at: BEFORE, kind: 'purchase', basketId: 'o-1' },
    ]);
  });

  it('skips a line that is not JSON', () => {
    expect(interactionsOfArchivedLine('{"type": "purch')).toEqual([]);
  });

  it('reads an event archived twice (at-least-once) once, by user and insertId', () => {
    // Prepare
    const seen = new Set<string>();
    const view = (userId: string) => JSON.stringify({ type: 'product_view', insertId: 'evt-1', userId, timestamp: BEFORE, properties: { productId: 'A' } });

    // Act
    const read = [view('u'), view('u'), view('v')].map((line) => interactionsOfArchivedLine(line, seen).length);

    // Assess
    expect(read).toEqual([1, 0, 1]);
  });
});

describe('decidePromotion and decideRetraining', () => {
  it.each([
    ['the first model', metrics(0.2), undefined, 0, true],
    ['a better candidate', metrics(0.3), metrics(0.2), 0, true],
    ['an equal candidate', metrics(0.2), metrics(0.2), 0, true],
    ['a worse candidate', metrics(0.19), metrics(0.2), 0, false],
    ['a slightly worse candidate within the tolerance', metrics(0.19), metrics(0.2), 0.02, true],
    ['a first candidate evaluated on nobody', metrics(0, 0), undefined, 0, true],
    ['a later candidate evaluated on nobody', metrics(0.9, 0), metrics(0.2), 0, false],
  ])('decides on %s', (_case, candidate, current, tolerance, promote) => {
    expect(decidePromotion(candidate, current, tolerance).promote).toBe(promote);
  });

  it('retrains from the threshold on', () => {
    expect(decideRetraining(999, 1000)).toMatchObject({ run: false, reason: 'only 999 new interactions, fewer than 1000' });
    expect(decideRetraining(1000, 1000).run).toBe(true);
  });
});

describe('evaluateOnTemporalHoldout', () => {
  it('hits when the model recommends what the user bought after the cut', async () => {
    // Prepare
    const { deps } = depsWith(coPurchaseArchive());
    const { readInteractions } = await import('../../../../layers/core/recommendations/retraining');
    const interactions = await readInteractions(deps);

    // Act
    const result = evaluateOnTemporalHoldout(interactions, { cut: new Date('2026-11-10T00:00:00.000Z') });

    // Assess
    expect(result).toMatchObject({ users: 20, hitRate: 1, recall: 1 });
  });

  it('evaluates nobody when nobody bought on both sides of the cut', () => {
    expect(evaluateOnTemporalHoldout([], { cut: NOW })).toEqual({ users: 0, hitRate: 0, recall: 0, ndcg: 0, coverage: 0 });
  });
});

describe('retraining', () => {
  it('skips a night with too few new interactions and records the count', async () => {
    // Prepare
    const { deps, state } = depsWith(coPurchaseArchive());

    // Act
    const gate = await checkRetrainingGate(deps, 1000);

    // Assess
    expect(gate).toMatchObject({ run: false, newInteractions: 120, threshold: 1000 });
    expect(state.state.lastOutcome).toEqual({ outcome: 'skipped', at: NOW.toISOString(), detail: 'only 120 new interactions, fewer than 1000', newInteractions: 120 });
  });

  it('trains, evaluates and promotes the first model, then counts only what arrived since', async () => {
    // Prepare
    const archive = coPurchaseArchive();
    const { deps, models, state } = depsWith(archive);

    // Act
    const gate = await checkRetrainingGate(deps, 100);
    const candidate = await trainCandidate(deps);
    const promotion = await promoteCandidate(deps, candidate);
    const afterPromotion = structuredClone(state.state);
    archive.add('2026-11-24T20:00:00.000Z', [archivedPurchase('late', '2026-11-24T20:00:00.000Z', ['A'])]);
    const nextGate = await checkRetrainingGate({ ...deps, clock: () => new Date('2026-11-25T03:00:00.000Z') }, 100);

    // Assess
    expect(gate.run).toBe(true);
    expect(candidate).toMatchObject({ interactions: 120, metrics: { users: 20, hitRate: 1 } });
    expect(promotion).toMatchObject({ promoted: true, version: candidate.candidateVersion });
    expect(models.current).toBe(candidate.candidateVersion);
    expect(afterPromotion).toMatchObject({ lastTrainedAt: NOW.toISOString(), current: { version: candidate.candidateVersion }, lastOutcome: { outcome: 'promoted' } });
    expect(nextGate).toMatchObject({ run: false, newInteractions: 1 });
  });

  it('keeps the serving model when the candidate is worse', async () => {
    // Prepare
    const { deps, models, state } = depsWith(coPurchaseArchive());
    state.state = { current: { version: 'serving', metrics: metrics(1, 20) } };
    models.current = 'serving';
    const candidate = { candidateVersion: 'worse', metrics: metrics(0.5, 20), trainedAt: NOW.toISOString() };

    // Act
    const promotion = await promoteCandidate(deps, candidate);

    // Assess
    expect(promotion).toMatchObject({ promoted: false, version: 'serving' });
    expect(models.current).toBe('serving');
    expect(state.state).toMatchObject({ current: { version: 'serving' }, lastOutcome: { outcome: 'kept' }, lastTrainedAt: NOW.toISOString() });
  });

  it('never trains on a forgotten user', async () => {
    // Prepare
    const { deps } = depsWith(coPurchaseArchive(), { forgotten: forgetting('together-0', 'early-0') });

    // Act
    const gate = await checkRetrainingGate(deps, 1000);
    const candidate = await trainCandidate(deps);

    // Assess
    expect(gate.newInteractions).toBe(120 - 3 - 2 - 1);
    expect(candidate.interactions).toBe(114);
    expect(candidate.metrics.users).toBe(19);
  });
});
