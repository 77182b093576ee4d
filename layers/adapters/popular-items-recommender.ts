import type { Recommender } from '../core/ports';
import popularItems from './data/popular-items.json';

/** One item of the popular-items list. */
export interface PopularItem {
  productId: string;
  name: string;
  /** Distinct customers who bought it in the data it was derived from. */
  buyers: number;
}

/** The bundled list (layers/adapters/data/popular-items.json, from `npm run derive:popular-items`). */
export const POPULAR_ITEMS: readonly PopularItem[] = popularItems.items;

/**
 * Fills recommendation slots with the most popular items, skipping what the user already bought and
 * the items the message is about. A stand-in for the recommendation model (a later issue plugs the real
 * one into the same {@link Recommender} port); deterministic, no I/O.
 */
export class PopularItemsRecommender implements Recommender {
  constructor(private readonly items: readonly PopularItem[] = POPULAR_ITEMS) {}

  async recommend(request: Parameters<Recommender['recommend']>[0]): Promise<string[]> {
    const skip = new Set([...(request.exclude ?? []), ...(request.seedProductIds ?? [])]);
    const picked: string[] = [];
    for (const item of this.items) {
      if (picked.length >= request.count) break;
      if (!skip.has(item.productId)) picked.push(item.productId);
    }
    return picked;
  }
}
