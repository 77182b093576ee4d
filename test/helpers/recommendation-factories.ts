import type { Interaction } from '../../layers/core/recommendations/interaction';
import type { HybridModel, UserHistory } from '../../layers/core/recommendations/model';
import { DEFAULT_TRAINING_PARAMS } from '../../layers/core/recommendations/model';
import type { Neighbours } from '../../layers/core/recommendations/neighbours';
import { itemTerms } from '../../layers/core/recommendations/content-neighbours';

export const TRAINED_AT = '2011-12-01T00:00:00.000Z';

/** A purchase at the training time by default; override what the test is about. */
export const interactionFactory = (overrides: Partial<Interaction> = {}): Interaction => ({
  userId: 'u1',
  itemId: 'A',
  at: TRAINED_AT,
  kind: 'purchase',
  ...overrides,
});

/** Purchases, one basket per user: `{ u1: ['A', 'B'] }` → u1 bought A and B together. */
export const basketsOf = (baskets: Record<string, readonly string[]>): Interaction[] =>
  Object.entries(baskets).flatMap(([userId, items]) => items.map((itemId) => interactionFactory({ userId, itemId, basketId: `${userId}-order` })));

export interface HandMadeItem {
  id: string;
  description?: string;
  categories?: string[];
  popularity?: number;
  collaborative?: Record<string, number>;
  content?: Record<string, number>;
}

/**
 * A model written by hand (no training), so that a test can compute the expected scores itself.
 * Neighbour maps are by item id; users are `{ userId: { items: { id: weight }, bought: n } }`.
 */
export const handMadeModel = (items: readonly HandMadeItem[], users: Record<string, { items: Record<string, number>; bought: number }> = {}): HybridModel => {
  const ids = items.map((item) => item.id);
  const index = new Map(ids.map((id, n) => [id, n]));
  const neighbours = (map: Record<string, number> = {}): Neighbours => ({
    items: Object.keys(map).map((id) => index.get(id)!),
    scores: Object.values(map),
  });
  const history = ({ items: weights, bought }: { items: Record<string, number>; bought: number }): UserHistory => ({
    items: Object.keys(weights).map((id) => index.get(id)!),
    weights: Object.values(weights),
    bought,
  });
  return {
    version: 'hand-made',
    trainedAt: TRAINED_AT,
    params: { ...DEFAULT_TRAINING_PARAMS },
    items: ids,
    itemIndex: index,
    descriptions: items.map((item) => item.description ?? ''),
    categories: items.map((item) => item.categories ?? []),
    terms: items.map((item) => itemTerms(item.description, item.categories ?? [])),
    popularity: items.map((item) => item.popularity ?? 0),
    collaborative: items.map((item) => neighbours(item.collaborative)),
    content: items.map((item) => neighbours(item.content)),
    users: new Map(Object.entries(users).map(([userId, h]) => [userId, history(h)])),
  };
};
