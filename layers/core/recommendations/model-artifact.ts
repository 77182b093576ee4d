import { createHash } from 'node:crypto';
import { itemTerms } from './content-neighbours';
import { ModelArtifactInvalidError } from './errors';
import { DEFAULT_TRAINING_PARAMS, type HybridModel, type TrainingParams, type UserHistory } from './model';
import type { ModelMetrics } from './model-store';
import type { Neighbours } from './neighbours';

/** Names the artifact's layout; a loader refuses any other. */
export const MODEL_FORMAT = 'hybrid-recommender';
/** Bumped on any change a version-1 loader could misread. */
export const MODEL_FORMAT_VERSION = 1;

/**
 * The artifact, as JSON: items by index, each neighbour list and history as two parallel arrays
 * (indices, then scores) so that numbers are all it holds. See docs/recommendations.md.
 */
export interface ModelArtifact {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  version: string;
  trainedAt: string;
  params: TrainingParams;
  items: string[];
  descriptions: string[];
  /** Only the items that have categories, by index. */
  categories: Record<string, string[]>;
  popularity: number[];
  collaborative: [number[], number[]][];
  content: [number[], number[]][];
  /** Per user: [item indices, weights, how many of the first items were bought]. */
  users: Record<string, [number[], number[], number]>;
}

type Unversioned = Omit<HybridModel, 'version'>;

const toArtifact = (model: Unversioned, version: string): ModelArtifact => ({
  format: MODEL_FORMAT,
  formatVersion: MODEL_FORMAT_VERSION,
  version,
  trainedAt: model.trainedAt,
  params: model.params,
  items: [...model.items],
  descriptions: [...model.descriptions],
  categories: Object.fromEntries(model.categories.flatMap((categories, n) => (categories.length > 0 ? [[String(n), [...categories]]] : []))),
  popularity: [...model.popularity],
  collaborative: model.collaborative.map(pair),
  content: model.content.map(pair),
  users: Object.fromEntries([...model.users].map(([userId, history]) => [userId, [[...history.items], [...history.weights], history.bought]])),
});

const pair = (n: Neighbours): [number[], number[]] => [[...n.items], [...n.scores]];

/** Gives a trained model its content-derived version (so retraining on the same data changes nothing). */
export const versionModel = (model: Unversioned): HybridModel => {
  const hash = createHash('sha256').update(JSON.stringify(toArtifact(model, ''))).digest('hex').slice(0, 12);
  const stamp = model.trainedAt.replace(/[-:]/g, '').slice(0, 13);
  return { ...model, version: `${stamp}Z-${hash}` };
};

/** The artifact's JSON text. */
export const serialiseModel = (model: HybridModel): string => JSON.stringify(toArtifact(model, model.version));

/**
 * Loads an artifact's JSON text, checking its shape and every index, so that a broken or foreign file
 * fails here, by name, and never half-way through a recommendation.
 */
export const parseModel = (text: string): HybridModel => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelArtifactInvalidError('not JSON', { cause: error });
  }
  if (!isRecord(raw)) throw new ModelArtifactInvalidError('not a JSON object');
  if (raw.format !== MODEL_FORMAT) throw new ModelArtifactInvalidError(`format is ${JSON.stringify(raw.format)}, expected "${MODEL_FORMAT}"`);
  if (raw.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelArtifactInvalidError(`formatVersion ${JSON.stringify(raw.formatVersion)} is not supported (this code reads ${MODEL_FORMAT_VERSION})`);
  }
  const a = raw as unknown as ModelArtifact;
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new ModelArtifactInvalidError(what);
  };
  need(typeof a.version === 'string' && a.version !== '', 'version is missing');
  need(typeof a.trainedAt === 'string' && !Number.isNaN(Date.parse(a.trainedAt)), 'trainedAt is not an ISO-8601 time');
  need(Array.isArray(a.items) && a.items.every((id) => typeof id === 'string' && id !== ''), 'items must be non-empty strings');
  const count = a.items.length;
  need(new Set(a.items).size === count, 'items has duplicates');
  need(Array.isArray(a.descriptions) && a.descriptions.length === count && a.descriptions.every((d) => typeof d === 'string'), `descriptions must be ${count} strings`);
  need(isRecord(a.categories), 'categories must be an object');
  const categories: string[][] = Array.from({ length: count }, () => []);
  for (const [key, list] of Object.entries(a.categories)) {
    const n = Number(key);
    need(Number.isInteger(n) && n >= 0 && n < count, `categories has an unknown item index ${key}`);
    need(Array.isArray(list) && list.every((c) => typeof c === 'string'), `categories of item ${key} must be strings`);
    categories[n] = list;
  }
  need(Array.isArray(a.popularity) && a.popularity.length === count && a.popularity.every(isScore), `popularity must be ${count} numbers ≥ 0`);
  const lists = (name: string, value: unknown, length?: number): Neighbours[] => {
    need(Array.isArray(value) && (length === undefined || value.length === length), `${name} must have ${length} entries`);
    return (value as unknown[]).map((entry, n) => checkedPair(`${name}[${n}]`, entry, count, need));
  };
  const collaborative = lists('collaborative', a.collaborative, count);
  const content = lists('content', a.content, count);
  need(isRecord(a.users), 'users must be an object');
  const users = new Map<string, UserHistory>();
  for (const [userId, entry] of Object.entries(a.users)) {
    need(Array.isArray(entry) && entry.length === 3, `users.${userId} must be [indices, weights, bought]`);
    const [items, weights, bought] = entry;
    const history = checkedPair(`users.${userId}`, [items, weights], count, need);
    need(Number.isInteger(bought) && bought >= 0 && bought <= history.items.length, `users.${userId} has a bought count outside 0…${history.items.length}`);
    users.set(userId, { items: history.items, weights: history.scores, bought });
  }
  return {
    version: a.version,
    trainedAt: a.trainedAt,
    params: { ...DEFAULT_TRAINING_PARAMS, ...(isRecord(a.params) ? a.params : {}) },
    items: a.items,
    itemIndex: new Map(a.items.map((id, n) => [id, n])),
    descriptions: a.descriptions,
    categories,
    terms: a.items.map((_, n) => itemTerms(a.descriptions[n], categories[n]!)),
    popularity: a.popularity,
    collaborative,
    content,
    users,
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScore = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const checkedPair = (name: string, entry: unknown, count: number, need: (ok: boolean, what: string) => void): Neighbours => {
  need(Array.isArray(entry) && entry.length === 2 && Array.isArray(entry[0]) && Array.isArray(entry[1]), `${name} must be [indices, scores]`);
  const [items, scores] = entry as [unknown[], unknown[]];
  need(items.length === scores.length, `${name} has ${items.length} indices but ${scores.length} scores`);
  need(items.every((n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) < count), `${name} refers to an item index outside 0…${count - 1}`);
  need(scores.every(isScore), `${name} has a score that is not a number ≥ 0`);
  return { items: items as number[], scores: scores as number[] };
};

/** A version's `metrics.json` text. */
export const serialiseModelMetrics = (metrics: ModelMetrics): string =>
  `${JSON.stringify({
    hitRate: metrics.hitRate,
    recall: metrics.recall,
    ndcg: metrics.ndcg,
    coverage: metrics.coverage,
    evaluatedCustomers: metrics.evaluatedCustomers,
    trainedAt: metrics.trainedAt,
  })}\n`;

/** Reads a version's `metrics.json`; `ModelArtifactInvalidError` when a figure is missing or not a number. */
export const parseModelMetrics = (text: string, location: string): ModelMetrics => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelArtifactInvalidError(`${location} is not JSON`, { cause: error });
  }
  if (!isRecord(raw)) throw new ModelArtifactInvalidError(`${location} is not a JSON object`);
  for (const figure of ['hitRate', 'recall', 'ndcg', 'coverage', 'evaluatedCustomers'] as const) {
    if (typeof raw[figure] !== 'number' || !Number.isFinite(raw[figure])) throw new ModelArtifactInvalidError(`${location}: ${figure} must be a number`);
  }
  if (typeof raw.trainedAt !== 'string' || Number.isNaN(Date.parse(raw.trainedAt))) throw new ModelArtifactInvalidError(`${location}: trainedAt must be an ISO-8601 time`);
  const { hitRate, recall, ndcg, coverage, evaluatedCustomers, trainedAt } = raw as unknown as ModelMetrics;
  return { hitRate, recall, ndcg, coverage, evaluatedCustomers, trainedAt };
};
