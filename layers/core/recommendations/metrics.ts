/** One evaluated user: what a model recommended, best first, and what the user went on to buy. */
export interface RankedCase {
  recommended: readonly string[];
  /** The items that count as right answers (see docs/recommendations.md for which they are). */
  relevant: ReadonlySet<string>;
}

/** Mean figures over the evaluated users. */
export interface RankingMetrics {
  users: number;
  hitRate: number;
  recall: number;
  ndcg: number;
  /** Distinct items recommended to anyone ÷ catalogue size. */
  coverage: number;
}

/** 1 when any of the first k recommendations is relevant, else 0. */
export const hitAtK = (recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number =>
  recommended.slice(0, k).some((item) => relevant.has(item)) ? 1 : 0;

/** Relevant items among the first k ÷ all relevant items; 0 when nothing is relevant. */
export const recallAtK = (recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number => {
  if (relevant.size === 0) return 0;
  return new Set(recommended.slice(0, k).filter((item) => relevant.has(item))).size / relevant.size;
};

/**
 * Binary-relevance NDCG: DCG = Σ_{rank r ≤ k, relevant} 1 / log2(r + 1), divided by the DCG of the ideal
 * list (min(k, |relevant|) relevant items on top); 0 when nothing is relevant. A repeated item counts once.
 */
export const ndcgAtK = (recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number => {
  if (relevant.size === 0) return 0;
  const seen = new Set<string>();
  let dcg = 0;
  recommended.slice(0, k).forEach((item, n) => {
    if (relevant.has(item) && !seen.has(item)) dcg += 1 / Math.log2(n + 2);
    seen.add(item);
  });
  let ideal = 0;
  for (let n = 0; n < Math.min(k, relevant.size); n++) ideal += 1 / Math.log2(n + 2);
  return dcg / ideal;
};

/** Distinct items among everyone's first k recommendations ÷ the catalogue's size. */
export const catalogueCoverage = (lists: readonly (readonly string[])[], catalogueSize: number, k: number): number => {
  if (catalogueSize <= 0) return 0;
  return new Set(lists.flatMap((list) => list.slice(0, k))).size / catalogueSize;
};

/** HitRate@k, Recall@k and NDCG@k averaged over the cases (each user counts once), and coverage. */
export const evaluateRankings = (cases: readonly RankedCase[], k: number, catalogueSize: number): RankingMetrics => {
  const mean = (metric: (c: RankedCase) => number) => (cases.length === 0 ? 0 : cases.reduce((sum, c) => sum + metric(c), 0) / cases.length);
  return {
    users: cases.length,
    hitRate: mean((c) => hitAtK(c.recommended, c.relevant, k)),
    recall: mean((c) => recallAtK(c.recommended, c.relevant, k)),
    ndcg: mean((c) => ndcgAtK(c.recommended, c.relevant, k)),
    coverage: catalogueCoverage(cases.map((c) => c.recommended), catalogueSize, k),
  };
};
