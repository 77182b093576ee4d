import { GetRecommendationsCommand, type PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import type { Recommender } from '../core/ports';
import type { AbortableRecommender } from '../core/recommendations/fallback-recommender';

/** Extra items asked for, so that the business rules (eligibility, what was bought before) still leave enough. */
const HEADROOM = 10;
/** GetRecommendations' largest numResults. */
const MAX_RESULTS = 500;

/**
 * The Recommender port over an Amazon Personalize campaign (GetRecommendations): the user, and the first
 * seed as `itemId` (a related-items campaign needs it). It asks for more than `count` — the request's
 * exclusions plus headroom — because the business rules and the fallback are applied around it
 * (`withFallback`), and stops when the budget's signal aborts.
 */
export class PersonalizeRecommender implements AbortableRecommender {
  constructor(
    private readonly client: PersonalizeRuntimeClient,
    private readonly campaignArn: string,
  ) {}

  async recommend(request: Parameters<Recommender['recommend']>[0], options: { abortSignal?: AbortSignal } = {}): Promise<string[]> {
    const [seed] = request.seedProductIds ?? [];
    const { itemList } = await this.client.send(
      new GetRecommendationsCommand({
        campaignArn: this.campaignArn,
        userId: request.userId,
        ...(seed && { itemId: seed }),
        numResults: Math.min(MAX_RESULTS, request.count + (request.exclude?.length ?? 0) + (request.seedProductIds?.length ?? 0) + HEADROOM),
      }),
      { abortSignal: options.abortSignal },
    );
    return (itemList ?? []).flatMap((item) => (item.itemId ? [item.itemId] : []));
  }
}
