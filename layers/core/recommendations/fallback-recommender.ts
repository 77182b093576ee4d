import type { Recommender } from '../ports';

/** Why the fallback answered (the `reason` dimension of `RecommendationFallbacks`). */
export type FallbackReason = 'timeout' | 'error' | 'empty';

type Request = Parameters<Recommender['recommend']>[0];

/**
 * A recommender that can be told to give up: at the end of its budget its signal is aborted, so that a
 * remote call (Personalize's) stops instead of finishing for nobody. Every {@link Recommender} is one.
 */
export interface AbortableRecommender {
  recommend(request: Request, options?: { abortSignal?: AbortSignal }): Promise<string[]>;
}

/** Options of {@link withFallback}. */
export interface FallbackOptions {
  /** How long the primary may take; past it, the fallback answers. @default 150 */
  budgetMs?: number;
  /** Resolves after `ms`: a real timer in Lambda, a virtual one in tests. */
  after: (ms: number) => Promise<void>;
  /** Called once per request that the fallback answered or topped up. */
  onFallback?: (reason: FallbackReason) => void;
  /** The business rule (in stock, allowed): false drops an item from either list. */
  isEligible?: (itemId: string) => boolean;
  /**
   * What the user bought before, never recommended back. The primary (a Personalize campaign) does not
   * filter it; the built-in model knows it. Asked while the primary works; a failure here drops nothing.
   */
  alreadyBought?: (userId: string) => Promise<Iterable<string>>;
}

/** One request's answer and where it came from. */
export interface FallbackAnswer {
  items: string[];
  /** `primary` when its list leads, even if the fallback topped it up. */
  answeredBy: 'primary' | 'fallback';
  /** Set when the fallback answered or topped up. */
  fallback?: FallbackReason;
}

/** The default budget of the primary, in milliseconds. */
export const DEFAULT_BUDGET_MS = 150;

/**
 * Asks `primary` first and `fallback` when the primary fails, runs over its budget or has too little.
 * The primary's list, kept in its order, goes through the same rules as the fallback's: never an excluded
 * item (`exclude`, the seeds, what the user bought before), never an ineligible one, no duplicates; a
 * short list is topped up from the fallback. Each fallback is reported once through `onFallback`.
 */
export const recommendWithFallback = async (
  primary: AbortableRecommender,
  fallback: Recommender,
  options: FallbackOptions,
  request: Request,
): Promise<FallbackAnswer> => {
  const controller = new AbortController();
  const bought = (options.alreadyBought?.(request.userId) ?? Promise.resolve([])).then(
    (items) => new Set(items),
    () => new Set<string>(),
  );
  let answer: string[] | 'timed out' | 'failed';
  try {
    answer = await Promise.race([
      (async () => primary.recommend(request, { abortSignal: controller.signal }))(),
      options.after(options.budgetMs ?? DEFAULT_BUDGET_MS).then(() => 'timed out' as const),
    ]);
  } catch {
    answer = 'failed';
  }
  if (answer === 'timed out') controller.abort();

  const skip = new Set([...(request.exclude ?? []), ...(request.seedProductIds ?? []), ...(await bought)]);
  const allowed = (itemId: string) => !skip.has(itemId) && (options.isEligible?.(itemId) ?? true);
  const fallBack = async (reason: FallbackReason, picked: readonly string[]): Promise<FallbackAnswer> => {
    options.onFallback?.(reason);
    const more = await fallback.recommend({ ...request, exclude: [...skip, ...picked] });
    const items = [...new Set([...picked, ...more.filter(allowed)])].slice(0, request.count);
    return { items, answeredBy: picked.length > 0 ? 'primary' : 'fallback', fallback: reason };
  };

  if (answer === 'timed out') return fallBack('timeout', []);
  if (answer === 'failed') return fallBack('error', []);
  const picked = [...new Set(answer.filter(allowed))].slice(0, request.count);
  if (picked.length >= request.count) return { items: picked, answeredBy: 'primary' };
  return fallBack('empty', picked);
};

/** {@link recommendWithFallback} as a {@link Recommender}. */
export const withFallback = (primary: AbortableRecommender, fallback: Recommender, options: FallbackOptions): Recommender => ({
  recommend: async (request) => (await recommendWithFallback(primary, fallback, options, request)).items,
});
