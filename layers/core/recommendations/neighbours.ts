/** An item's nearest items, best first: `items[n]` (item indices) has similarity `scores[n]`. */
export interface Neighbours {
  items: readonly number[];
  scores: readonly number[];
}

/** Higher score first; equal scores by lower index, so every ranking in the model is deterministic. */
const before = (scores: ArrayLike<number>, a: number, b: number): boolean => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);

/**
 * The `k` best of `candidates` by `scores[candidate]` (a min-heap of size k, so O(n log k) rather than a
 * full sort of every co-occurring item), best first. Candidates with a score ≤ 0 are dropped.
 */
export const topK = (candidates: ArrayLike<number>, scores: ArrayLike<number>, k: number): number[] => {
  if (k <= 0) return [];
  const heap: number[] = [];
  // heap[0] is the worst kept candidate.
  const worse = (a: number, b: number) => before(scores, b, a);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && worse(heap[l]!, heap[w]!)) w = l;
      if (r < heap.length && worse(heap[r]!, heap[w]!)) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      i = w;
    }
  };
  for (let n = 0; n < candidates.length; n++) {
    const c = candidates[n]!;
    if (!(scores[c]! > 0)) continue;
    if (heap.length < k) {
      heap.push(c);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (before(scores, c, heap[0]!)) {
      heap[0] = c;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (before(scores, a, b) ? -1 : 1));
};

/**
 * Rounds a similarity to a few significant digits before it goes into the artifact: the ranking needs no
 * more, and short numbers keep the JSON small. Applied at training time so that a model and its reloaded
 * artifact score identically.
 */
export const roundScore = (value: number, digits = 4): number => (value === 0 ? 0 : Number(value.toPrecision(digits)));
