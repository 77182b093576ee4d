import { GetRecommendationsCommand, type PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import type { Recommender } from '../core/ports';

/** Extra items asked for, so that excluding what the user bought still leaves enough. */
const HEADROOM = 10;

/**
 * The Recommender port over an Amazon Personalize campaign (GetRecommendations). The business rules and
 * the fallback are applied around it (`withFallback`); this only asks.
 */
export class PersonalizeRecommender implements Recommender {
  constructor(
    private readonly client: PersonalizeRuntimeClient,
    private readonly campaignArn: string,
  ) {}

  async recommend(request: Parameters<Recommender['recommend']>[0]): Promise<string[]> {
    const [seed] = request.seedProductIds ?? [];
    const { itemList } = await this.client.send(
      new GetRecommendationsCommand({
        campaignArn: this.campaignArn,
        userId: request.userId,
        ...(seed && { itemId: seed }),
        numResults: Math.min(500, request.count + (request.exclude?.length ?? 0) + HEADROOM),
      }),
    );
    return (itemList ?? []).flatMap((item) => (item.itemId ? [item.itemId] : []));
  }
}
