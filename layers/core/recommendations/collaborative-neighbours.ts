import { roundScore, topK, type Neighbours } from './neighbours';

export interface CollaborativeInput {
  itemCount: number;
  /** One row per "context" (a user, or a basket): the distinct item indices in it. */
  rows: readonly (readonly number[])[];
  /** Top-K kept per item. */
  neighbours: number;
  /**
   * A row of n items counts n^-damping in the co-occurrence: 0 treats every row alike; higher values
   * quieten wholesalers who buy half the catalogue and so say little about which items go together.
   */
  damping: number;
}

/**
 * Item-item cosine similarity over weighted row co-occurrence, the top K neighbours per item:
 * sim(i, j) = Σ_r w_r·[i∈r]·[j∈r] / √(Σ_r w_r·[i∈r] · Σ_r w_r·[j∈r]), with w_r = |r|^-damping.
 * One item at a time with a dense scratch row, so memory stays O(items + rows) and time O(Σ_r |r|²).
 */
export const collaborativeNeighbours = ({ itemCount, rows, neighbours, damping }: CollaborativeInput): Neighbours[] => {
  const rowWeight = rows.map((row) => (row.length === 0 ? 0 : row.length ** -damping));
  const rowsOfItem: number[][] = Array.from({ length: itemCount }, () => []);
  const norm = new Float64Array(itemCount);
  rows.forEach((row, r) => {
    for (const item of row) {
      rowsOfItem[item]!.push(r);
      norm[item]! += rowWeight[r]!;
    }
  });
  const scratch = new Float64Array(itemCount);
  const touched: number[] = [];
  const result: Neighbours[] = [];
  for (let i = 0; i < itemCount; i++) {
    for (const r of rowsOfItem[i]!) {
      const w = rowWeight[r]!;
      for (const j of rows[r]!) {
        if (j === i) continue;
        if (scratch[j] === 0) touched.push(j);
        scratch[j]! += w;
      }
    }
    for (const j of touched) scratch[j] = scratch[j]! / Math.sqrt(norm[i]! * norm[j]!);
    const best = topK(touched, scratch, neighbours);
    result.push({ items: best, scores: best.map((j) => roundScore(scratch[j]!)) });
    for (const j of touched) scratch[j] = 0;
    touched.length = 0;
  }
  return result;
};
