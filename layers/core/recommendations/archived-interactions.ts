import type { Interaction } from './interaction';

/** How the archive's event types map to interaction kinds; other events say nothing about items. */
const KIND_OF_EVENT: Readonly<Record<string, Interaction['kind']>> = { product_view: 'view', add_to_cart: 'add_to_cart', purchase: 'purchase' };

/** An archived event's shape, as far as training reads it (the archive holds ingested pipeline events). */
interface ArchivedEvent {
  type?: unknown;
  insertId?: unknown;
  userId?: unknown;
  timestamp?: unknown;
  properties?: { productId?: unknown; orderId?: unknown; items?: unknown };
}

/**
 * The interactions in one archived line (one ingested event as JSON): a product view or add-to-cart is
 * one, a purchase one per line item, in its order as the basket. Anonymous events, other types and
 * lines that are not JSON give none: training must not stop on one odd record. The archive is written
 * at least once (process-events puts before its profile write, and a retry puts again): with `seen`,
 * a line whose user and insertId were read already gives none.
 */
export const interactionsOfArchivedLine = (line: string, seen?: Set<string>): Interaction[] => {
  let event: ArchivedEvent;
  try {
    event = JSON.parse(line) as ArchivedEvent;
  } catch {
    return [];
  }
  if (seen && typeof event.insertId === 'string') {
    const key = `${String(event.userId)}\u0000${event.insertId}`;
    if (seen.has(key)) return [];
    seen.add(key);
  }
  return interactionsOfEvent(event);
};

/** The interactions one pipeline event stands for (see {@link interactionsOfArchivedLine}). */
export const interactionsOfEvent = (event: ArchivedEvent): Interaction[] => {
  const kind = typeof event.type === 'string' ? KIND_OF_EVENT[event.type] : undefined;
  if (!kind || typeof event.userId !== 'string' || typeof event.timestamp !== 'string' || Number.isNaN(Date.parse(event.timestamp))) return [];
  const base = { userId: event.userId, at: event.timestamp, kind };
  if (kind !== 'purchase') {
    const itemId = event.properties?.productId;
    return typeof itemId === 'string' && itemId ? [{ ...base, itemId }] : [];
  }
  const items = Array.isArray(event.properties?.items) ? (event.properties.items as { productId?: unknown }[]) : [];
  const orderId = event.properties?.orderId;
  return items.flatMap((item) =>
    typeof item?.productId === 'string' && item.productId ? [{ ...base, itemId: item.productId, ...(typeof orderId === 'string' && { basketId: orderId }) }] : [],
  );
};
