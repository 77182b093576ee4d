import { ModelArtifactInvalidError } from '../../../../layers/core/recommendations/errors';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, parseModel, serialiseModel } from '../../../../layers/core/recommendations/model-artifact';
import { recommendItems } from '../../../../layers/core/recommendations/recommend-items';
import { trainModel } from '../../../../layers/core/recommendations/train-model';
import { basketsOf, interactionFactory } from '../../../helpers/recommendation-factories';

const trained = trainModel({
  interactions: [
    ...basketsOf({ u1: ['A', 'B', 'C'], u2: ['A', 'B'], u3: ['C', 'D'], u4: ['B', 'D', 'E'] }),
    interactionFactory({ userId: 'u2', itemId: 'D', kind: 'view', at: '2011-11-20T10:00:00.000Z' }),
  ],
  items: [
    { itemId: 'A', description: 'RED RETROSPOT MUG' },
    { itemId: 'B', description: 'RED RETROSPOT BAG', categories: ['bags'] },
    { itemId: 'F', description: 'CHRISTMAS TREE' },
  ],
});

describe('model artifact', () => {
  it('round-trips: the loaded model is the trained one and ranks identically', () => {
    // Act
    const text = serialiseModel(trained);
    const loaded = parseModel(text);

    // Assess
    expect(JSON.parse(text)).toMatchObject({ format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, version: trained.version });
    expect(loaded).toEqual(trained);
    expect(serialiseModel(loaded)).toBe(text);
    for (const userId of ['u1', 'u2', 'u3', 'u4', 'stranger']) {
      const query = { userId, count: 5, interests: { christmas: 1 } };
      expect(recommendItems(loaded, query)).toEqual(recommendItems(trained, query));
    }
  });

  it('keeps only the categories that exist, by item index', () => {
    const artifact = JSON.parse(serialiseModel(trained));
    expect(artifact.categories).toEqual({ [trained.itemIndex.get('B')!]: ['bags'] });
  });

  const tampered = (change: (artifact: Record<string, any>) => void): string => {
    const artifact = JSON.parse(serialiseModel(trained));
    change(artifact);
    return JSON.stringify(artifact);
  };

  it.each<[string, string, string]>([
    ['text that is not JSON', '{"format":', 'model artifact: not JSON'],
    ['another format', tampered((a) => (a.format = 'something-else')), 'format is "something-else", expected "hybrid-recommender"'],
    ['a newer format version', tampered((a) => (a.formatVersion = 2)), 'formatVersion 2 is not supported (this code reads 1)'],
    ['a neighbour outside the catalogue', tampered((a) => (a.collaborative[0][0][0] = 99)), 'collaborative[0] refers to an item index outside 0…5'],
    ['mismatched neighbour lists', tampered((a) => a.content[0][1].push(0.5)), 'content[0] has'],
    ['a popularity list of the wrong length', tampered((a) => a.popularity.pop()), 'popularity must be 6 numbers ≥ 0'],
    ['a history with a bought count past its end', tampered((a) => (a.users.u1[2] = 99)), 'users.u1 has a bought count outside 0…'],
    ['a missing version', tampered((a) => delete a.version), 'version is missing'],
  ])('refuses %s, saying why', (_name, text, message) => {
    expect(() => parseModel(text)).toThrow(ModelArtifactInvalidError);
    expect(() => parseModel(text)).toThrow(message);
  });
});
