import { descriptionTerms } from './content-neighbours';
import { RecommendationConfigInvalidError, RecommendationRequestInvalidError } from './errors';
import type { HybridModel } from './model';

/** How much each component counts in the final score. Only the ratios matter. */
export interface BlendWeights {
  collaborative: number;
  content: number;
  popularity: number;
}

/** The seed's blend: collaborative filtering 40 %, content similarity 30 %, popularity/recency 30 %. */
export const DEFAULT_BLEND: Readonly<BlendWeights> = Object.freeze({ collaborative: 0.4, content: 0.3, popularity: 0.3 });

export interface ScoringConfig {
  weights: BlendWeights;
  /** The most popular items are always candidates (so a user with a thin history still gets a full list). */
  popularCandidates: number;
}

export const DEFAULT_SCORING: Readonly<ScoringConfig> = Object.freeze({ weights: DEFAULT_BLEND, popularCandidates: 100 });

export interface RecommendationQuery {
  /** Unknown or absent: a cold start. */
  userId?: string;
  count: number;
  /** Never recommended (on top of what the user bought). */
  exclude?: Iterable<string>;
  /**
   * Items the request is about (the product just viewed or bought): they count as the user's strongest
   * history and are never recommended themselves.
   */
  seedItemIds?: readonly string[];
  /** Interest per category or word (a profile's category scores): matched against item words and categories. */
  interests?: Readonly<Record<string, number>>;
  /** The business rule: false drops the item (out of stock, age-restricted…). */
  isEligible?: (itemId: string) => boolean;
}

/** One recommendation with its blended score and the normalised components it came from. */
export interface ScoredItem {
  itemId: string;
  score: number;
  collaborative: number;
  content: number;
  popularity: number;
}

/** What scoring needs from a model beyond the model itself, computed once per model. */
interface ModelIndex {
  /** Every item index, most popular first (ties: lower index). */
  byPopularity: number[];
  /** Term → items having it, for interest matching. */
  itemsByTerm: Map<string, number[]>;
  popularity: Float64Array;
}

const indexes = new WeakMap<HybridModel, ModelIndex>();

const indexOf = (model: HybridModel): ModelIndex => {
  let index = indexes.get(model);
  if (!index) {
    const itemsByTerm = new Map<string, number[]>();
    model.terms.forEach((terms, item) => {
      for (const term of terms) {
        const list = itemsByTerm.get(term);
        if (list) list.push(item);
        else itemsByTerm.set(term, [item]);
      }
    });
    const byPopularity = model.items.map((_, n) => n).sort((a, b) => model.popularity[b]! - model.popularity[a]! || a - b);
    index = { byPopularity, itemsByTerm, popularity: Float64Array.from(model.popularity) };
    indexes.set(model, index);
  }
  return index;
};

/** Checks a scoring configuration; throws {@link RecommendationConfigInvalidError} naming each problem. */
export const checkScoringConfig = (config: ScoringConfig): ScoringConfig => {
  const problems: string[] = [];
  const { weights } = config;
  for (const key of ['collaborative', 'content', 'popularity'] as const) {
    if (!(weights[key] >= 0 && Number.isFinite(weights[key]))) problems.push(`weight ${key} must be a finite number ≥ 0, got ${weights[key]}`);
  }
  if (weights.collaborative + weights.content + weights.popularity <= 0) problems.push('at least one weight must be > 0');
  if (!Number.isInteger(config.popularCandidates) || config.popularCandidates < 0) {
    problems.push(`popularCandidates must be a whole number ≥ 0, got ${config.popularCandidates}`);
  }
  if (problems.length > 0) throw new RecommendationConfigInvalidError(problems);
  return config;
};

/**
 * Ranks items for one user with the explicit blend
 *   score = w_cf · cf/max(cf) + w_content · content/max(content) + w_pop · pop/max(pop),
 * each component divided by its largest value among this user's candidates, so every component spans
 * [0, 1] for every user whatever its raw scale (a heavy buyer's collaborative sums are far larger than a
 * one-order customer's) and the weights mean what they say. A component with no signal is 0 throughout.
 *
 * - collaborative: Σ over the user's history (and seeds) of weight × neighbour similarity;
 * - content: the same over content neighbours, plus the match of item words/categories with the
 *   user's interests (each part max-normalised, then the sum normalised again);
 * - popularity: the model's recency-weighted popularity.
 * Candidates: every neighbour of the history, every interest match, and the most popular items.
 * Excluded: what the user bought, the seeds, `exclude`, and whatever `isEligible` refuses.
 * Ties go to the more popular item, then the lower item id.
 */
export const recommendItems = (model: HybridModel, query: RecommendationQuery, config: ScoringConfig = DEFAULT_SCORING): ScoredItem[] => {
  if (!Number.isInteger(query.count) || query.count < 0) {
    throw new RecommendationRequestInvalidError(`count must be a whole number ≥ 0, got ${query.count}`);
  }
  const { byPopularity, itemsByTerm, popularity: popularityValues } = indexOf(model);
  const itemCount = model.items.length;
  const history = query.userId !== undefined ? model.users.get(query.userId) : undefined;

  const excluded = new Set<number>();
  const weights = new Map<number, number>();
  if (history) {
    history.items.forEach((item, n) => {
      weights.set(item, history.weights[n]!);
      if (n < history.bought) excluded.add(item);
    });
  }
  for (const id of query.seedItemIds ?? []) {
    const item = model.itemIndex.get(id);
    if (item === undefined) continue;
    weights.set(item, 1);
    excluded.add(item);
  }
  for (const id of query.exclude ?? []) {
    const item = model.itemIndex.get(id);
    if (item !== undefined) excluded.add(item);
  }
  const eligible = (item: number) => !excluded.has(item) && (query.isEligible?.(model.items[item]!) ?? true);

  const collaborative = new Float64Array(itemCount);
  const similar = new Float64Array(itemCount);
  const interest = new Float64Array(itemCount);
  const candidates = new Set<number>();
  const spread = (target: Float64Array, neighbours: HybridModel['collaborative']) => {
    for (const [item, weight] of weights) {
      const { items, scores } = neighbours[item]!;
      for (let n = 0; n < items.length; n++) {
        const j = items[n]!;
        target[j]! += weight * scores[n]!;
        candidates.add(j);
      }
    }
  };
  if (config.weights.collaborative > 0) spread(collaborative, model.collaborative);
  if (config.weights.content > 0) {
    spread(similar, model.content);
    for (const [topic, score] of Object.entries(query.interests ?? {})) {
      if (!(score > 0)) continue;
      for (const item of itemsWithAll(descriptionTerms(topic), itemsByTerm)) {
        interest[item]! += score;
        candidates.add(item);
      }
    }
  }
  for (const item of byPopularity.slice(0, config.popularCandidates)) candidates.add(item);

  const pool = [...candidates].filter(eligible);
  if (pool.length < query.count) {
    // Thin history and a small candidate set: top up with the next most popular items.
    const inPool = new Set(pool);
    for (const item of byPopularity) {
      if (pool.length >= query.count) break;
      if (!inPool.has(item) && eligible(item)) pool.push(item);
    }
  }

  const maxOf = (values: Float64Array) => pool.reduce((max, item) => Math.max(max, values[item]!), 0);
  const scale = (values: Float64Array) => {
    const max = maxOf(values);
    return (item: number) => (max > 0 ? values[item]! / max : 0);
  };
  const cf = scale(collaborative);
  const contentSimilarity = scale(similar);
  const interestMatch = scale(interest);
  const contentRaw = new Float64Array(itemCount);
  for (const item of pool) contentRaw[item] = contentSimilarity(item) + interestMatch(item);
  const content = scale(contentRaw);
  const popularity = scale(popularityValues);

  const { collaborative: wCf, content: wContent, popularity: wPop } = config.weights;
  const scored = pool.map((item) => {
    const parts = { collaborative: cf(item), content: content(item), popularity: popularity(item) };
    return { item, score: wCf * parts.collaborative + wContent * parts.content + wPop * parts.popularity, ...parts };
  });
  scored.sort((a, b) => b.score - a.score || model.popularity[b.item]! - model.popularity[a.item]! || a.item - b.item);
  return scored.slice(0, query.count).map(({ item, ...rest }) => ({ itemId: model.items[item]!, ...rest }));
};

/** Items having every term (an interest "Christmas decoration" matches items with both words). */
const itemsWithAll = (terms: readonly string[], itemsByTerm: ReadonlyMap<string, number[]>): number[] => {
  if (terms.length === 0) return [];
  const lists = terms.map((term) => itemsByTerm.get(term) ?? []).sort((a, b) => a.length - b.length);
  const [shortest, ...rest] = lists;
  const others = rest.map((list) => new Set(list));
  return shortest!.filter((item) => others.every((set) => set.has(item)));
};
