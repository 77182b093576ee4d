import type { Neighbours } from './neighbours';

/** What a model was trained with; kept in the artifact so that a figure can be traced to its settings. */
export interface TrainingParams {
  /** Collaborative neighbours kept per item. */
  collaborativeNeighbours: number;
  /** Content neighbours kept per item. */
  contentNeighbours: number;
  /** What two items must share to co-occur: a user (bought both, ever) or a basket (in one order). */
  collaborativeContext: 'user' | 'basket';
  /** See {@link CollaborativeInput.damping}. */
  activeUserDamping: number;
  /** Popularity counts baskets, each worth ½ per this many days of age at training time. */
  popularityHalfLifeDays: number;
  /** A user's interaction with an item is worth ½ per this many days of age at training time. */
  historyHalfLifeDays: number;
}

/**
 * What a user did, as the model saw it: item indices and their weights (√ of the decayed interaction
 * weights, so ten orders of one item count about three times one order; the strongest is 1); the items
 * bought come first (strongest first), then the ones only viewed or carted (strongest first).
 */
export interface UserHistory {
  items: readonly number[];
  weights: readonly number[];
  /** How many of the first {@link items} were bought: those are never recommended to the user. */
  bought: number;
}

/** A trained hybrid model, ready to score. Items are referred to by their index in {@link items}. */
export interface HybridModel {
  /** `<trainedAt as YYYYMMDDTHHMMZ>-<12 hex of the content's SHA-256>`: equal content, equal version. */
  version: string;
  /** The time the model's decays are measured from (ISO-8601). */
  trainedAt: string;
  params: TrainingParams;
  /** Item ids, sorted. */
  items: readonly string[];
  itemIndex: ReadonlyMap<string, number>;
  descriptions: readonly string[];
  categories: readonly (readonly string[])[];
  /** Per item: the words of its description and its categories, for matching a user's interests. */
  terms: readonly (readonly string[])[];
  /** Per item: recency-weighted popularity (see {@link TrainingParams.popularityHalfLifeDays}). */
  popularity: readonly number[];
  collaborative: readonly Neighbours[];
  content: readonly Neighbours[];
  users: ReadonlyMap<string, UserHistory>;
}

/** Tuned on a validation month inside the training period (docs/recommendations.md, "Tuning"). */
export const DEFAULT_TRAINING_PARAMS: Readonly<TrainingParams> = Object.freeze({
  collaborativeNeighbours: 20,
  contentNeighbours: 20,
  collaborativeContext: 'user',
  activeUserDamping: 1,
  popularityHalfLifeDays: 7,
  historyHalfLifeDays: 365,
});
