import { roundScore, topK, type Neighbours } from './neighbours';

/** Words that join a product name together rather than describe it. */
const STOP_WORDS = new Set(['A', 'AN', 'AND', 'OF', 'THE', 'IN', 'ON', 'WITH', 'FOR', 'TO', 'AT', 'BY', 'OR']);

/**
 * The words of a description, upper-cased, deduplicated, in first-seen order: letters and digits only,
 * at least two characters, no stop words. Cold-start interests are matched with the same function.
 */
export const descriptionTerms = (text: string | undefined): string[] => {
  if (!text) return [];
  const terms = text
    .toUpperCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length >= 2 && !STOP_WORDS.has(term));
  return [...new Set(terms)];
};

/** An item's matchable words: its description's and each category's, deduplicated. */
export const itemTerms = (description: string | undefined, categories: readonly string[]): string[] => [
  ...new Set([...descriptionTerms(description), ...categories.flatMap((category) => descriptionTerms(category))]),
];

export interface ContentInput {
  /** Per item: its terms (see {@link descriptionTerms}), categories included. */
  terms: readonly (readonly string[])[];
  neighbours: number;
}

/**
 * Cosine similarity of binary TF-IDF vectors (idf = ln(N / df)), top K per item. Terms that every item
 * has carry no weight; an item's nearest are the ones that share its rarer words ("RETROSPOT", "DOILY").
 * Computed through an inverted index, so only items that share a term are ever compared.
 */
export const contentNeighbours = ({ terms, neighbours }: ContentInput): Neighbours[] => {
  const itemCount = terms.length;
  const postings = new Map<string, number[]>();
  terms.forEach((itemTerms, item) => {
    for (const term of itemTerms) {
      const list = postings.get(term);
      if (list) list.push(item);
      else postings.set(term, [item]);
    }
  });
  const idf = new Map([...postings].map(([term, items]) => [term, Math.log(itemCount / items.length)]));
  const norm = terms.map((itemTerms) => Math.sqrt(itemTerms.reduce((sum, term) => sum + idf.get(term)! ** 2, 0)));
  const scratch = new Float64Array(itemCount);
  const touched: number[] = [];
  return terms.map((itemTerms, i) => {
    for (const term of itemTerms) {
      const w = idf.get(term)! ** 2;
      if (w === 0) continue;
      for (const j of postings.get(term)!) {
        if (j === i) continue;
        if (scratch[j] === 0) touched.push(j);
        scratch[j]! += w;
      }
    }
    for (const j of touched) scratch[j] = scratch[j]! / (norm[i]! * norm[j]!);
    const best = topK(touched, scratch, neighbours);
    const result = { items: best, scores: best.map((j) => roundScore(scratch[j]!)) };
    for (const j of touched) scratch[j] = 0;
    touched.length = 0;
    return result;
  });
};
