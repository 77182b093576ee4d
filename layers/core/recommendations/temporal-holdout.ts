import type { Interaction } from './interaction';
import { evaluateRankings, type RankingMetrics } from './metrics';
import { recommendItems, DEFAULT_SCORING, type ScoringConfig } from './recommend-items';
import { trainModel } from './train-model';

/** Options of {@link evaluateOnTemporalHoldout}. */
export interface TemporalHoldoutOptions {
  /** Interactions from this time on are the test; before it, the training. */
  cut: Date;
  /** @default 10 */
  k?: number;
  scoring?: ScoringConfig;
}

/**
 * The offline metric retraining promotes on: the same protocol as `npm run eval:recs`, over archived
 * interactions. Train on what happened before `cut`; evaluate the users who bought both before and
 * after it; a hit is any of their top k (never an item they already bought) bought after the cut.
 */
export const evaluateOnTemporalHoldout = (interactions: readonly Interaction[], options: TemporalHoldoutOptions): RankingMetrics => {
  const k = options.k ?? 10;
  const cutMs = options.cut.getTime();
  const train = interactions.filter((i) => Date.parse(i.at) < cutMs);
  const purchasesBy = (from: readonly Interaction[]) => {
    const byUser = new Map<string, Set<string>>();
    for (const { userId, itemId, kind } of from) {
      if (kind !== 'purchase') continue;
      byUser.set(userId, (byUser.get(userId) ?? new Set<string>()).add(itemId));
    }
    return byUser;
  };
  const bought = purchasesBy(train);
  const later = purchasesBy(interactions.filter((i) => Date.parse(i.at) >= cutMs));
  const users = [...bought.keys()].filter((user) => later.has(user)).sort();
  if (train.length === 0 || users.length === 0) return { users: 0, hitRate: 0, recall: 0, ndcg: 0, coverage: 0 };

  const model = trainModel({ interactions: train, asOf: options.cut.toISOString() });
  const cases = users.map((userId) => ({
    recommended: recommendItems(model, { userId, count: k, exclude: bought.get(userId) }, options.scoring ?? DEFAULT_SCORING).map((item) => item.itemId),
    relevant: new Set([...later.get(userId)!].filter((item) => !bought.get(userId)!.has(item))),
  }));
  return evaluateRankings(cases, k, new Set(train.map((i) => i.itemId)).size);
};
