import { evaluateRankings, type RankingMetrics } from '../../layers/core/recommendations/metrics';
import type { RetailPurchase } from './online-retail-purchases';

/**
 * The temporal holdout of issue 6: train = purchases before the cut, test = from the cut on (up to `until`,
 * exclusive, when given); evaluated = customers with purchases in both.
 */
export interface Holdout {
  train: RetailPurchase[];
  test: RetailPurchase[];
  /** Evaluated customers, sorted. */
  customers: string[];
  /** Per evaluated customer: the items bought in train (never recommended). */
  bought: Map<string, Set<string>>;
  /**
   * Per evaluated customer: the items bought in test that were not bought in train, the only ones a
   * recommendation can hit (recall's and NDCG's denominator; may be empty, then both are 0).
   */
  relevant: Map<string, Set<string>>;
  /** Distinct items bought in train: the catalogue a model can recommend from (coverage's denominator). */
  catalogue: string[];
}

/** `cut` and `until` are dates (`YYYY-MM-DD`), compared with the file's local invoice times. */
export const holdoutAt = (purchases: readonly RetailPurchase[], cut: string, until?: string): Holdout => {
  const train = purchases.filter((p) => p.invoiceDate < cut);
  const test = purchases.filter((p) => p.invoiceDate >= cut && (until === undefined || p.invoiceDate < until));
  const itemsBy = (lines: readonly RetailPurchase[]) => {
    const byCustomer = new Map<string, Set<string>>();
    for (const { customerId, stockCode } of lines) {
      const items = byCustomer.get(customerId) ?? new Set<string>();
      items.add(stockCode);
      byCustomer.set(customerId, items);
    }
    return byCustomer;
  };
  const trainItems = itemsBy(train);
  const testItems = itemsBy(test);
  const customers = [...trainItems.keys()].filter((id) => testItems.has(id)).sort();
  return {
    train,
    test,
    customers,
    bought: new Map(customers.map((id) => [id, trainItems.get(id)!])),
    relevant: new Map(customers.map((id) => [id, new Set([...testItems.get(id)!].filter((item) => !trainItems.get(id)!.has(item)))])),
    catalogue: [...new Set(train.map((p) => p.stockCode))].sort(),
  };
};

/** Items by the number of distinct train invoices that contain them, most first; ties by StockCode. */
export const popularityRanking = (train: readonly RetailPurchase[]): string[] => {
  const invoices = new Map<string, Set<string>>();
  for (const { stockCode, invoiceNo } of train) {
    const set = invoices.get(stockCode) ?? new Set<string>();
    set.add(invoiceNo);
    invoices.set(stockCode, set);
  }
  return [...invoices].sort(([a, x], [b, y]) => y.size - x.size || (a < b ? -1 : a > b ? 1 : 0)).map(([item]) => item);
};

/** The popularity baseline: the k most popular items the customer did not buy. */
export const popularRecommender = (ranking: readonly string[]) => (customerId: string, bought: ReadonlySet<string>, k: number): string[] => {
  const list: string[] = [];
  for (const item of ranking) {
    if (list.length >= k) break;
    if (!bought.has(item)) list.push(item);
  }
  return list;
};

/** A model under evaluation: k items for a customer, none of them in `bought`. */
export type Recommend = (customerId: string, bought: ReadonlySet<string>, k: number) => string[];

/** Thrown when a model breaks the protocol (recommends a bought item, or too many). */
export class ProtocolViolationError extends Error {
  override readonly name = 'ProtocolViolationError';
}

/** Runs one model over every evaluated customer and scores it at k. */
export const evaluateModel = (holdout: Holdout, recommend: Recommend, k = 10): RankingMetrics => {
  const cases = holdout.customers.map((customerId) => {
    const bought = holdout.bought.get(customerId)!;
    const recommended = recommend(customerId, bought, k);
    if (recommended.length > k) throw new ProtocolViolationError(`a model returned ${recommended.length} items, more than ${k}`);
    if (recommended.some((item) => bought.has(item))) throw new ProtocolViolationError('a model recommended an item the customer bought in train');
    return { recommended, relevant: holdout.relevant.get(customerId)! };
  });
  return evaluateRankings(cases, k, holdout.catalogue.length);
};
