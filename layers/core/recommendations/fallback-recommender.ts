import type { Recommender } from '../ports';

/** Why the fallback answered (the `reason` dimension of `RecommendationFallbacks`). */
export type FallbackReason = 'timeout' | 'error' | 'empty';

/** Options of {@link withFallback}. */
export interface FallbackOptions {
  /** How long the primary may take; past it, the fallback answers. @default 150 */
  budgetMs?: number;
  /** Resolves after `ms`: a real timer in Lambda, a virtual one in tests. */
  after: (ms: number) => Promise<void>;
  /** Called whenever the fallback answered, or topped the primary's list up. */
  onFallback?: (reason: FallbackReason) => void;
  /** The business rule (in stock, allowed): false drops an item from either list. */
  isEligible?: (itemId: string) => boolean;
}

type Request = Parameters<Recommender['recommend']>[0];

/**
 * A recommender that asks `primary` (Personalize) first and `fallback` (the built-in model) when the
 * primary fails, runs over its budget or has nothing. The primary's list goes through the same rules as
 * the fallback's: never an excluded item (bought already, or the one the message is about), never an
 * ineligible one, no duplicates; a short list is topped up from the fallback.
 */
export const withFallback = (primary: Recommender, fallback: Recommender, options: FallbackOptions): Recommender => ({
  async recommend(request: Request): Promise<string[]> {
    const skip = new Set([...(request.exclude ?? []), ...(request.seedProductIds ?? [])]);
    const allowed = (itemId: string) => !skip.has(itemId) && (options.isEligible?.(itemId) ?? true);
    let answer: string[] | 'timed out';
    try {
      answer = await Promise.race([primary.recommend(request), options.after(options.budgetMs ?? 150).then(() => 'timed out' as const)]);
    } catch {
      options.onFallback?.('error');
      return (await fallback.recommend(request)).filter(allowed).slice(0, request.count);
    }
    if (answer === 'timed out') {
      options.onFallback?.('timeout');
      return (await fallback.recommend(request)).filter(allowed).slice(0, request.count);
    }
    const picked = [...new Set(answer.filter(allowed))].slice(0, request.count);
    if (picked.length >= request.count) return picked;
    options.onFallback?.('empty');
    const more = (await fallback.recommend({ ...request, exclude: [...(request.exclude ?? []), ...picked] })).filter((item) => allowed(item) && !picked.includes(item));
    return [...picked, ...more].slice(0, request.count);
  },
});
