import { collaborativeNeighbours } from './collaborative-neighbours';
import { contentNeighbours, itemTerms } from './content-neighbours';
import { RecommendationInputInvalidError } from './errors';
import { KIND_WEIGHTS, type Interaction, type ItemMetadata } from './interaction';
import { DEFAULT_TRAINING_PARAMS, type HybridModel, type TrainingParams, type UserHistory } from './model';
import { versionModel } from './model-artifact';
import { roundScore } from './neighbours';

export interface TrainingInput {
  interactions: readonly Interaction[];
  /** Descriptions and categories; items known only from here are still recommendable by content. */
  items?: readonly ItemMetadata[];
  /** When decays are measured from. Default: the latest interaction (so the same data gives the same model). */
  asOf?: string;
  params?: Partial<TrainingParams>;
}

const DAY_MS = 86_400_000;

/**
 * Trains the hybrid model: recency-weighted popularity, item-item collaborative neighbours, TF-IDF
 * content neighbours, and each user's weighted history. Pure and deterministic: interactions are
 * sorted first, so the same set in any order gives the same model (and the same version).
 */
export const trainModel = (input: TrainingInput): HybridModel => {
  const params: TrainingParams = { ...DEFAULT_TRAINING_PARAMS, ...input.params };
  const problems = [...checkParams(params), ...checkInteractions(input.interactions)];
  if (input.asOf !== undefined && Number.isNaN(Date.parse(input.asOf))) problems.push(`asOf "${input.asOf}" is not an ISO-8601 time`);
  if (problems.length > 0) throw new RecommendationInputInvalidError(problems);

  const interactions = [...input.interactions].sort(
    (a, b) => compare(a.userId, b.userId) || compare(a.itemId, b.itemId) || compare(a.at, b.at) || compare(a.kind, b.kind) || compare(a.basketId ?? '', b.basketId ?? '') || (a.weight ?? 0) - (b.weight ?? 0),
  );
  const metadata = mergeMetadata(input.items ?? []);
  const items = [...new Set([...interactions.map((i) => i.itemId), ...metadata.keys()])].sort(compare);
  const itemIndex = new Map(items.map((id, index) => [id, index]));
  const asOfMs = input.asOf !== undefined ? Date.parse(input.asOf) : interactions.reduce((latest, i) => Math.max(latest, Date.parse(i.at)), 0);
  const decay = (at: string, halfLifeDays: number) => 0.5 ** (Math.max(0, asOfMs - Date.parse(at)) / DAY_MS / halfLifeDays);
  const weightOf = (i: Interaction) => i.weight ?? KIND_WEIGHTS[i.kind];
  // Without a basket id, a user's interactions on one UTC day stand for one basket.
  const basketOf = (i: Interaction) => i.basketId ?? `${i.userId}|${new Date(i.at).toISOString().slice(0, 10)}`;

  // Popularity: each basket counts an item once, with its strongest interaction's weight, decayed.
  const popularityByBasket = new Map<string, number>();
  for (const i of interactions) {
    const key = `${basketOf(i)}\u0000${i.itemId}`;
    popularityByBasket.set(key, Math.max(popularityByBasket.get(key) ?? 0, weightOf(i) * decay(i.at, params.popularityHalfLifeDays)));
  }
  const popularity = new Float64Array(items.length);
  for (const [key, value] of popularityByBasket) popularity[itemIndex.get(key.slice(key.indexOf('\u0000') + 1))!]! += value;

  // Histories: √(Σ interaction weight × decay) per item, scaled so the user's strongest is 1.
  const users = new Map<string, UserHistory>();
  const contexts = new Map<string, Set<number>>();
  let current: { userId: string; weights: Map<number, number>; bought: Set<number> } | undefined;
  const closeUser = () => {
    if (!current) return;
    const { weights, bought } = current;
    // Square root: a repeated purchase says the user likes the item, but not ten times as much.
    const entries = [...weights].map(([item, w]) => [item, Math.sqrt(w)] as const).sort(([a, x], [b, y]) => Number(bought.has(b)) - Number(bought.has(a)) || y - x || a - b);
    const top = entries.reduce((max, [, w]) => Math.max(max, w), 0);
    // top is 0 only when every interaction decayed below the smallest double; then all weigh the same.
    const scaled = entries.map(([, w]) => (top > 0 ? roundScore(w / top, 3) : 1));
    users.set(current.userId, { items: entries.map(([item]) => item), weights: scaled, bought: bought.size });
  };
  for (const i of interactions) {
    if (current?.userId !== i.userId) {
      closeUser();
      current = { userId: i.userId, weights: new Map(), bought: new Set() };
    }
    const item = itemIndex.get(i.itemId)!;
    if (i.kind === 'purchase') current.bought.add(item);
    current.weights.set(item, (current.weights.get(item) ?? 0) + weightOf(i) * decay(i.at, params.historyHalfLifeDays));
    const context = params.collaborativeContext === 'user' ? i.userId : basketOf(i);
    const row = contexts.get(context);
    if (row) row.add(item);
    else contexts.set(context, new Set([item]));
  }
  closeUser();

  const rows = [...contexts.keys()].sort(compare).map((key) => [...contexts.get(key)!].sort((a, b) => a - b));
  const collaborative = collaborativeNeighbours({ itemCount: items.length, rows, neighbours: params.collaborativeNeighbours, damping: params.activeUserDamping });
  const descriptions = items.map((id) => metadata.get(id)?.description ?? '');
  const categories = items.map((id) => metadata.get(id)?.categories ?? []);
  const terms = items.map((_, n) => itemTerms(descriptions[n], categories[n]!));
  const content = contentNeighbours({ terms, neighbours: params.contentNeighbours });

  return versionModel({
    trainedAt: new Date(asOfMs).toISOString(),
    params,
    items,
    itemIndex,
    descriptions,
    categories,
    terms,
    popularity: [...popularity].map((p) => roundScore(p)),
    collaborative,
    content,
    users,
  });
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One entry per item: the last non-empty description given wins; categories are merged. */
const mergeMetadata = (entries: readonly ItemMetadata[]): Map<string, { description?: string; categories: string[] }> => {
  const merged = new Map<string, { description?: string; categories: string[] }>();
  for (const entry of entries) {
    const known = merged.get(entry.itemId) ?? { categories: [] };
    const description = entry.description?.trim();
    merged.set(entry.itemId, {
      description: description ? description : known.description,
      categories: [...new Set([...known.categories, ...(entry.categories ?? [])])].sort(compare),
    });
  }
  return merged;
};

const checkParams = (params: TrainingParams): string[] => {
  const problems: string[] = [];
  for (const key of ['collaborativeNeighbours', 'contentNeighbours'] as const) {
    if (!Number.isInteger(params[key]) || params[key] < 0) problems.push(`${key} must be a whole number ≥ 0, got ${params[key]}`);
  }
  for (const key of ['popularityHalfLifeDays', 'historyHalfLifeDays'] as const) {
    if (!(params[key] > 0)) problems.push(`${key} must be > 0, got ${params[key]}`);
  }
  if (!(params.activeUserDamping >= 0)) problems.push(`activeUserDamping must be ≥ 0, got ${params.activeUserDamping}`);
  if (params.collaborativeContext !== 'user' && params.collaborativeContext !== 'basket') {
    problems.push(`collaborativeContext must be "user" or "basket", got ${String(params.collaborativeContext)}`);
  }
  return problems;
};

const checkInteractions = (interactions: readonly Interaction[]): string[] => {
  const problems: string[] = [];
  interactions.forEach((i, n) => {
    if (typeof i.userId !== 'string' || i.userId === '') problems.push(`interaction ${n}: userId is empty`);
    if (typeof i.itemId !== 'string' || i.itemId === '') problems.push(`interaction ${n}: itemId is empty`);
    if (typeof i.at !== 'string' || Number.isNaN(Date.parse(i.at))) problems.push(`interaction ${n}: at "${String(i.at)}" is not an ISO-8601 time`);
    if (!Object.hasOwn(KIND_WEIGHTS, i.kind)) problems.push(`interaction ${n}: kind "${String(i.kind)}" is not one of ${Object.keys(KIND_WEIGHTS).join(', ')}`);
    if (i.weight !== undefined && !(i.weight > 0 && Number.isFinite(i.weight))) problems.push(`interaction ${n}: weight must be a finite number > 0, got ${i.weight}`);
  });
  return problems;
};
