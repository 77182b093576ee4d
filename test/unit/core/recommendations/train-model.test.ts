import { RecommendationInputInvalidError } from '../../../../layers/core/recommendations/errors';
import type { HybridModel } from '../../../../layers/core/recommendations/model';
import { serialiseModel } from '../../../../layers/core/recommendations/model-artifact';
import { trainModel } from '../../../../layers/core/recommendations/train-model';
import { basketsOf, interactionFactory, TRAINED_AT } from '../../../helpers/recommendation-factories';

/** An item's neighbours as `{ id: similarity }`, best first. */
const neighboursOf = (model: HybridModel, id: string, kind: 'collaborative' | 'content') => {
  const { items, scores } = model[kind][model.itemIndex.get(id)!]!;
  return items.map((item, n) => [model.items[item], scores[n]]);
};

const caught = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('trainModel', () => {
  describe('collaborative neighbours', () => {
    it('are the cosine of the items’ buyer sets', () => {
      // Prepare: A is bought by u1, u2, u3; B by u1, u2; C by u3; D by u4 alone.
      const interactions = basketsOf({ u1: ['A', 'B'], u2: ['A', 'B'], u3: ['A', 'C'], u4: ['D'] });

      // Act: no damping, so every user counts 1.
      const model = trainModel({ interactions, params: { activeUserDamping: 0 } });

      // Assess: sim(A,B) = |{u1,u2}| / √(3·2) = 2/√6 = 0.8165; sim(A,C) = 1/√(3·1) = 0.5774; B and C share nobody.
      expect(neighboursOf(model, 'A', 'collaborative')).toEqual([['B', 0.8165], ['C', 0.5774]]);
      expect(neighboursOf(model, 'B', 'collaborative')).toEqual([['A', 0.8165]]);
      expect(neighboursOf(model, 'C', 'collaborative')).toEqual([['A', 0.5774]]);
      expect(neighboursOf(model, 'D', 'collaborative')).toEqual([]);
    });

    it('quieten users who buy many items when damped', () => {
      // Prepare: A and B were bought together by a two-item customer; A and C by a four-item wholesaler.
      const interactions = basketsOf({ small: ['A', 'B'], big: ['A', 'C', 'D', 'E'] });

      // Act
      const undamped = trainModel({ interactions, params: { activeUserDamping: 0 } });
      const damped = trainModel({ interactions, params: { activeUserDamping: 1 } });

      // Assess: undamped, sim(A,B) = sim(A,C) = 1/√(2·1) = 0.7071 (a tie, B first by index).
      // Damped (w = 1/|row|): norm A = ½ + ¼ = 0.75, B = 0.5, C = 0.25;
      // sim(A,B) = 0.5/√(0.75·0.5) = 0.8165, sim(A,C) = 0.25/√(0.75·0.25) = 0.5774.
      expect(neighboursOf(undamped, 'A', 'collaborative').slice(0, 2)).toEqual([['B', 0.7071], ['C', 0.7071]]);
      expect(neighboursOf(damped, 'A', 'collaborative').slice(0, 2)).toEqual([['B', 0.8165], ['C', 0.5774]]);
    });

    it('keep only the top K per item', () => {
      const interactions = basketsOf({ u1: ['A', 'B', 'C'], u2: ['A', 'B'] });

      const model = trainModel({ interactions, params: { collaborativeNeighbours: 1, activeUserDamping: 0 } });

      // sim(A,B) = 2/√(2·2) = 1 beats sim(A,C) = 1/√(2·1) = 0.7071
      expect(neighboursOf(model, 'A', 'collaborative')).toEqual([['B', 1]]);
    });

    it('can count baskets instead of users', () => {
      // Prepare: u1 bought A and B in separate orders; u2 bought A and C in one.
      const interactions = [
        interactionFactory({ userId: 'u1', itemId: 'A', basketId: 'o1' }),
        interactionFactory({ userId: 'u1', itemId: 'B', basketId: 'o2' }),
        interactionFactory({ userId: 'u2', itemId: 'A', basketId: 'o3' }),
        interactionFactory({ userId: 'u2', itemId: 'C', basketId: 'o3' }),
      ];

      // Act
      const model = trainModel({ interactions, params: { collaborativeContext: 'basket', activeUserDamping: 0 } });

      // Assess: only C shares a basket with A: 1/√(2·1) = 0.7071
      expect(neighboursOf(model, 'A', 'collaborative')).toEqual([['C', 0.7071]]);
    });
  });

  describe('content neighbours', () => {
    it('are the cosine of binary TF-IDF vectors of the descriptions', () => {
      // Prepare: 4 items; RED, RETROSPOT and MUG appear in 2 (idf ln 2 = a), the other words in 1 (idf ln 4 = 2a).
      const items = [
        { itemId: 'M1', description: 'RED RETROSPOT MUG' },
        { itemId: 'M2', description: 'red retrospot bag ' },
        { itemId: 'M3', description: 'BLUE POLKADOT MUG' },
        { itemId: 'M4', description: 'WHITE CANDLE' },
      ];

      // Act
      const model = trainModel({ interactions: [], items, asOf: TRAINED_AT });

      // Assess: |M1|² = 3a², |M2|² = 2a² + 4a² = 6a², |M3|² = a² + 8a² = 9a²;
      // sim(M1,M2) = 2a²/√(3·6)a² = 2/√18 = 0.4714; sim(M1,M3) = a²/√(3·9)a² = 1/√27 = 0.1925; M4 shares nothing.
      expect(neighboursOf(model, 'M1', 'content')).toEqual([['M2', 0.4714], ['M3', 0.1925]]);
      expect(neighboursOf(model, 'M2', 'content')).toEqual([['M1', 0.4714]]);
      expect(neighboursOf(model, 'M4', 'content')).toEqual([]);
      expect(model.terms[model.itemIndex.get('M2')!]).toEqual(['RED', 'RETROSPOT', 'BAG']);
    });

    it('reads categories as words too', () => {
      const items = [
        { itemId: 'X', description: 'TREE', categories: ['Christmas'] },
        { itemId: 'Y', description: 'CRACKER', categories: ['Christmas'] },
        { itemId: 'Z', description: 'MUG' },
      ];

      const model = trainModel({ interactions: [], items, asOf: TRAINED_AT });

      // X: {TREE, CHRISTMAS}, Y: {CRACKER, CHRISTMAS}; CHRISTMAS idf ln(3/2) = c, the others ln 3 = d:
      // sim = c² / (c² + d²) = 0.1644 / (0.1644 + 1.2069) = 0.1199
      expect(neighboursOf(model, 'X', 'content')).toEqual([['Y', 0.1199]]);
    });
  });

  it('counts popularity once per basket, halved per half-life of age', () => {
    // Prepare: P in two baskets (one bought at the training time, one 7 days before; the first basket has
    // P on two lines); Q in one basket 14 days before.
    const interactions = [
      interactionFactory({ userId: 'u1', itemId: 'P', basketId: 'o1' }),
      interactionFactory({ userId: 'u1', itemId: 'P', basketId: 'o1' }),
      interactionFactory({ userId: 'u2', itemId: 'P', basketId: 'o2', at: '2011-11-24T00:00:00.000Z' }),
      interactionFactory({ userId: 'u2', itemId: 'Q', basketId: 'o3', at: '2011-11-17T00:00:00.000Z' }),
    ];

    // Act
    const model = trainModel({ interactions, params: { popularityHalfLifeDays: 7 } });

    // Assess: P = 5·1 + 5·½ = 7.5; Q = 5·¼ = 1.25 (purchase weight 5)
    expect(model.popularity).toEqual([7.5, 1.25]);
    expect(model.trainedAt).toBe(TRAINED_AT);
  });

  it('keeps each user’s history: bought items first, weights √(Σ weight × decay) scaled to the strongest', () => {
    // Prepare: u1 bought X twice, Y once, and viewed Z, all at the training time.
    const interactions = [
      interactionFactory({ itemId: 'X' }),
      interactionFactory({ itemId: 'X' }),
      interactionFactory({ itemId: 'Y' }),
      interactionFactory({ itemId: 'Z', kind: 'view' }),
    ];

    // Act
    const model = trainModel({ interactions });

    // Assess: X = √10, Y = √5, Z = √1 → 1, √½ = 0.707, √0.1 = 0.316; two of them bought.
    const history = model.users.get('u1')!;
    expect(history.items.map((n) => model.items[n])).toEqual(['X', 'Y', 'Z']);
    expect(history.weights).toEqual([1, 0.707, 0.316]);
    expect(history.bought).toBe(2);
  });

  it('gives the same model, and version, for the same interactions in any order', () => {
    // Prepare
    const interactions = [
      ...basketsOf({ u1: ['A', 'B', 'C'], u2: ['A', 'B'], u3: ['C', 'D'] }),
      interactionFactory({ userId: 'u3', itemId: 'A', kind: 'view', at: '2011-11-20T10:00:00.000Z' }),
    ];
    const items = [{ itemId: 'A', description: 'RED MUG' }, { itemId: 'D', description: 'RED BAG' }];

    // Act
    const first = trainModel({ interactions, items });
    const second = trainModel({ interactions: [...interactions].reverse(), items: [...items].reverse() });

    // Assess
    expect(serialiseModel(second)).toBe(serialiseModel(first));
    expect(second.version).toBe(first.version);
    expect(first.version).toMatch(/^20111201T0000Z-[0-9a-f]{12}$/);
  });

  it('changes the version when the data changes', () => {
    const before = trainModel({ interactions: basketsOf({ u1: ['A', 'B'] }) });
    const after = trainModel({ interactions: basketsOf({ u1: ['A', 'B'], u2: ['A'] }) });
    expect(after.version).not.toBe(before.version);
  });

  it('refuses bad input, naming every problem', () => {
    // Prepare
    const interactions = [
      interactionFactory({ userId: '' }),
      interactionFactory({ at: 'yesterday' }),
      interactionFactory({ kind: 'like' as never }),
      interactionFactory({ weight: -1 }),
    ];

    // Act
    const error = caught(() => trainModel({ interactions, params: { contentNeighbours: -1 } }));

    // Assess
    expect(error).toBeInstanceOf(RecommendationInputInvalidError);
    expect((error as RecommendationInputInvalidError).problems).toEqual([
      'contentNeighbours must be a whole number ≥ 0, got -1',
      'interaction 0: userId is empty',
      'interaction 1: at "yesterday" is not an ISO-8601 time',
      'interaction 2: kind "like" is not one of view, add_to_cart, purchase',
      'interaction 3: weight must be a finite number > 0, got -1',
    ]);
  });
});
