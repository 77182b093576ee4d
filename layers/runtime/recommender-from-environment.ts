import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import { LocalModelStore } from '../adapters/local-model-store';
import { PersonalizeRecommender } from '../adapters/personalize-recommender';
import { PopularItemsRecommender } from '../adapters/popular-items-recommender';
import { S3ModelStore } from '../adapters/s3-model-store';
import type { Recommender } from '../core/ports';
import { DEFAULT_BUDGET_MS, recommendWithFallback, type FallbackOptions, type FallbackReason } from '../core/recommendations/fallback-recommender';
import { HybridRecommender } from '../core/recommendations/hybrid-recommender';
import type { ModelStore } from '../core/recommendations/model-store';
import type { BlendWeights } from '../core/recommendations/recommend-items';
import { awsClientConfig } from './aws-client-config';
import type { Environment } from './config';

/** A recommendation setting in the environment is not usable. */
export class RecommendationConfigError extends Error {
  override readonly name = 'RecommendationConfigError';
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
  }
}

/** What the deliver function is told about the recommendations it serves. */
export interface RecommenderEvents {
  /** Which source answered a request. */
  onSource?: (source: RecommendationSource) => void;
  /** Why the built-in model (or popular items) answered instead of Personalize. */
  onFallback?: (reason: FallbackReason) => void;
  /** The built-in model could not be loaded: popular items answer meanwhile. */
  onModelUnavailable?: (error: Error) => void;
}

/** What tests (and the local stack) replace; real clients and timers otherwise. */
export interface RecommenderOverrides {
  s3?: S3Client;
  personalize?: PersonalizeRuntimeClient;
  /** For the Personalize budget; a real timer by default. */
  after?: (ms: number) => Promise<void>;
  /** For the model reload back-off. */
  now?: () => number;
}

/** How long a container serves popular items after failing to load the model before trying again. */
const MODEL_RETRY_MS = 5 * 60_000;

/** Who answered a request (the `source` dimension of `RecommendationSource`). */
export type RecommendationSource = 'personalize' | 'builtin' | 'popular';

/**
 * deliver's recommender, from its environment (all optional): the built-in hybrid model, loaded once per
 * container (on first use) from `MODELS_BUCKET_NAME` (S3) or `MODEL_DIR` (a local folder), blended by `RECOMMENDATION_BLEND`; Amazon Personalize
 * first when `PERSONALIZE_CAMPAIGN_ARN` is set, within `RECOMMENDATION_BUDGET_MS`; the bundled popular
 * items whenever neither can answer. A bad setting throws `RecommendationConfigError` here, at cold
 * start; at send time it never throws for want of a model: a message with popular items beats no message.
 * Each request reports one source (the one whose list leads) and at most one fallback.
 */
export const recommenderFromEnvironment = (env: Environment, events: RecommenderEvents = {}, overrides: RecommenderOverrides = {}): Recommender => {
  const popular = new PopularItemsRecommender();
  const weights = parseRecommendationBlend(env.RECOMMENDATION_BLEND);
  const budgetMs = parseRecommendationBudget(env.RECOMMENDATION_BUDGET_MS);
  const bucket = env.MODELS_BUCKET_NAME;
  const store: ModelStore | undefined = bucket
    ? new S3ModelStore(overrides.s3 ?? new S3Client(awsClientConfig()), bucket)
    : env.MODEL_DIR
      ? new LocalModelStore(env.MODEL_DIR)
      : undefined;
  const now = overrides.now ?? Date.now;

  let loading: Promise<HybridRecommender | undefined> | undefined;
  let failedAt: number | undefined;
  const model = (): Promise<HybridRecommender | undefined> => {
    if (!store) return Promise.resolve(undefined);
    if (failedAt !== undefined && now() - failedAt < MODEL_RETRY_MS) return Promise.resolve(undefined);
    loading ??= store.loadCurrent().then(
      (loaded) => new HybridRecommender(loaded, weights ? { weights } : {}),
      (error: Error) => {
        failedAt = now();
        loading = undefined;
        events.onModelUnavailable?.(error);
        return undefined;
      },
    );
    return loading;
  };

  const builtin = async (request: Request): Promise<{ items: string[]; source: RecommendationSource }> => {
    const hybrid = await model();
    const items = hybrid ? await hybrid.recommend(request) : [];
    if (hybrid && items.length >= request.count) return { items, source: 'builtin' };
    const more = await popular.recommend({ ...request, exclude: [...(request.exclude ?? []), ...(hybrid?.boughtBy(request.userId) ?? []), ...items] });
    return { items: [...items, ...more].slice(0, request.count), source: items.length > 0 ? 'builtin' : 'popular' };
  };

  if (!env.PERSONALIZE_CAMPAIGN_ARN) {
    return {
      async recommend(request) {
        const { items, source } = await builtin(request);
        events.onSource?.(source);
        return items;
      },
    };
  }

  const personalize = new PersonalizeRecommender(overrides.personalize ?? new PersonalizeRuntimeClient(awsClientConfig()), env.PERSONALIZE_CAMPAIGN_ARN);
  const options: FallbackOptions = {
    budgetMs,
    after: overrides.after ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref())),
    onFallback: events.onFallback,
    // The campaign does not filter what the user bought; the built-in model knows it, once loaded.
    alreadyBought: async (userId) => (await model())?.boughtBy(userId) ?? [],
  };
  return {
    async recommend(request) {
      let fallbackSource: RecommendationSource = 'builtin';
      const fallback: Recommender = {
        async recommend(fallbackRequest) {
          const { items, source } = await builtin(fallbackRequest);
          fallbackSource = source;
          return items;
        },
      };
      const answer = await recommendWithFallback(personalize, fallback, options, request);
      events.onSource?.(answer.answeredBy === 'primary' ? 'personalize' : fallbackSource);
      return answer.items;
    },
  };
};

type Request = Parameters<Recommender['recommend']>[0];

const BLEND_PARTS = ['collaborative', 'content', 'popularity'] as const;

/** `collaborative=0.4,content=0.3,popularity=0.3`; undefined when unset (the model's default blend). */
export const parseRecommendationBlend = (raw: string | undefined): BlendWeights | undefined => {
  if (!raw?.trim()) return undefined;
  const entries = raw.split(',').map((part) => part.split('=').map((s) => s.trim()));
  const weights: Partial<Record<(typeof BLEND_PARTS)[number], number>> = {};
  for (const [name, value] of entries) {
    const weight = Number(value);
    if (!BLEND_PARTS.includes(name as never) || value === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new RecommendationConfigError('RECOMMENDATION_BLEND', `"${raw}" is not like collaborative=0.4,content=0.3,popularity=0.3`);
    }
    weights[name as (typeof BLEND_PARTS)[number]] = weight;
  }
  const complete = { collaborative: weights.collaborative ?? 0, content: weights.content ?? 0, popularity: weights.popularity ?? 0 };
  if (complete.collaborative + complete.content + complete.popularity <= 0) throw new RecommendationConfigError('RECOMMENDATION_BLEND', 'the weights must not all be 0');
  return complete;
};

/** RECOMMENDATION_BUDGET_MS: how long deliver waits for Personalize (default 150 ms). */
export const parseRecommendationBudget = (raw: string | undefined): number => {
  if (!raw?.trim()) return DEFAULT_BUDGET_MS;
  const ms = Number(raw);
  if (!Number.isSafeInteger(ms) || ms < 1) throw new RecommendationConfigError('RECOMMENDATION_BUDGET_MS', `must be a whole number of milliseconds ≥ 1, got "${raw}"`);
  return ms;
};
