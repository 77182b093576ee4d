/** What a user did with an item; the kind sets how much it says about the user's taste. */
export type InteractionKind = 'view' | 'add_to_cart' | 'purchase';

/** One training observation: a user touched an item at a time. */
export interface Interaction {
  userId: string;
  itemId: string;
  /** ISO-8601. */
  at: string;
  kind: InteractionKind;
  /** Overrides the kind's weight (e.g. a rating); must be > 0. */
  weight?: number;
  /**
   * The basket (order, invoice, session) it belongs to, when known: popularity counts distinct baskets,
   * and basket co-occurrence can replace user co-occurrence in the collaborative part.
   */
  basketId?: string;
}

/** What is known about an item besides who touched it. */
export interface ItemMetadata {
  itemId: string;
  /** Free text (a product name or description): the content-similarity part reads its words. */
  description?: string;
  /** Categories, matched against the user's interests on a cold start. */
  categories?: readonly string[];
}

/**
 * Same scale as the profile's category scores (docs/profiles.md): a view says little, a purchase most.
 * Only purchases exist in the UCI dataset; the others matter once the archive of live events is the input.
 */
export const KIND_WEIGHTS: Readonly<Record<InteractionKind, number>> = { view: 1, add_to_cart: 3, purchase: 5 };
