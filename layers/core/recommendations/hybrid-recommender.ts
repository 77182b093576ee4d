import type { Recommender } from '../ports';
import type { Profile } from '../profile/profile';
import type { HybridModel } from './model';
import { checkScoringConfig, DEFAULT_SCORING, recommendItems, type BlendWeights, type ScoringConfig } from './recommend-items';

export interface HybridRecommenderOptions {
  /** Default: the seed's 40/30/30. */
  weights?: BlendWeights;
  /** Default: {@link DEFAULT_SCORING}'s. */
  popularCandidates?: number;
  /** The business rule (e.g. "in stock"): false drops the item. Called only for candidates. */
  isEligible?: (itemId: string) => boolean;
}

/** Prefix of the profile tags that carry an interest (`interest:<category>`, see profile/tags.ts). */
const INTEREST_TAG = 'interest:';

/**
 * The built-in recommender: the {@link Recommender} port over a loaded hybrid model. No I/O (the model
 * is loaded once per container by whoever builds this), so it answers in memory and never fails on a
 * model that parsed.
 *
 * Known user: their history in the model (plus the request's seeds) drives collaborative and content
 * scores. Unknown or anonymous user (a cold start): popular items plus the profile's interests (its
 * category scores, or failing those its `interest:` tags) matched against item words and categories.
 */
export class HybridRecommender implements Recommender {
  private readonly config: ScoringConfig;

  constructor(
    private readonly model: HybridModel,
    private readonly options: HybridRecommenderOptions = {},
  ) {
    this.config = checkScoringConfig({
      weights: options.weights ?? DEFAULT_SCORING.weights,
      popularCandidates: options.popularCandidates ?? DEFAULT_SCORING.popularCandidates,
    });
  }

  /** The version of the model answering, for logs and metrics. */
  get modelVersion(): string {
    return this.model.version;
  }

  /** The items the model saw the user buy (never recommended back to them); none for an unknown user. */
  boughtBy(userId: string): string[] {
    const history = this.model.users.get(userId);
    return history ? history.items.slice(0, history.bought).map((item) => this.model.items[item]!) : [];
  }

  recommend(request: Parameters<Recommender['recommend']>[0]): Promise<string[]> {
    const ranked = recommendItems(
      this.model,
      {
        userId: request.userId,
        count: request.count,
        exclude: request.exclude,
        seedItemIds: request.seedProductIds,
        interests: interestsOf(request.profile),
        isEligible: this.options.isEligible,
      },
      this.config,
    );
    return Promise.resolve(ranked.map((item) => item.itemId));
  }
}

/** The profile's category scores; when it has none, its interest tags, each worth 1. */
export const interestsOf = (profile: Profile | undefined): Record<string, number> | undefined => {
  if (!profile) return undefined;
  const scores = Object.entries(profile.categoryScores ?? {}).filter(([, score]) => score > 0);
  if (scores.length > 0) return Object.fromEntries(scores);
  const tags = (profile.tags ?? []).filter((tag) => tag.startsWith(INTEREST_TAG)).map((tag) => tag.slice(INTEREST_TAG.length));
  return tags.length > 0 ? Object.fromEntries(tags.map((tag) => [tag, 1])) : undefined;
};
