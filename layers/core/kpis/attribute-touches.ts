import type { PipelineEvent } from '../contract/pipeline-event';
import type { TouchLog } from '../ports';
import { cellOf, COUNTERS, revenueCounter, revenueSquaresCounter, type KpiIncrement, type Touch } from './funnel';

export interface TouchAttributionResult {
  opened: number;
  /** In-app messages shown for the first time. */
  impressions: number;
  converted: number;
  orders: number;
  /** What was counted, per campaign and (for revenue) currency: the metrics the dashboard shows. */
  byCampaign: Map<string, { opened: number; converted: number; revenue: Record<string, number> }>;
  /** Users whose outcomes could not be written (their records are retried). */
  failed: Map<string, unknown>;
}

/** What one purchase is worth to the funnel. */
export interface Order {
  orderId: string;
  currency: string;
  revenue: number;
  coupon?: string;
}

const OUTCOMES = new Set<string>(['purchase', 'push_open', 'sms_click', 'in_app_click', 'in_app_impression']);
const isOutcome = (event: PipelineEvent): boolean => OUTCOMES.has(event.type);

/**
 * Attributes opens and purchases to the messages (touches) that preceded them, for every campaign's
 * funnel: an open or click of a sent message counts once per message; every purchase within a touch's
 * attribution window adds its revenue once per touch and order, and the first converts the touch.
 * Holdout touches ("would have been sent") convert the same way into their own counters, the baseline
 * of incrementality. Each write is conditional on the touch (the store's condition), so replayed
 * batches count nothing twice; a user whose write fails is reported, the others' outcomes stand.
 */
export const attributeTouches = async (events: readonly { profileKey: string; event: PipelineEvent }[], touches: TouchLog): Promise<TouchAttributionResult> => {
  const byUser = new Map<string, PipelineEvent[]>();
  for (const { profileKey, event } of events) {
    if (isOutcome(event)) byUser.set(profileKey, [...(byUser.get(profileKey) ?? []), event]);
  }
  const result: TouchAttributionResult = { opened: 0, impressions: 0, converted: 0, orders: 0, byCampaign: new Map(), failed: new Map() };
  await Promise.all(
    [...byUser].map(async ([userId, outcomes]) => {
      try {
        const touched = await touches.touchesOf(userId);
        if (touched.length === 0) return;
        for (const event of [...outcomes].sort((a, b) => a.timestamp.localeCompare(b.timestamp))) {
          if (event.type === 'purchase') await attributeOrder(event, touched, touches, result);
          else if (event.type === 'in_app_impression') await attributeImpression(event, touched, touches, result);
          else await attributeOpen(event, touched, touches, result);
        }
      } catch (error) {
        result.failed.set(userId, error);
      }
    }),
  );
  return result;
};

const attributeOpen = async (event: PipelineEvent, touched: Touch[], touches: TouchLog, result: TouchAttributionResult): Promise<void> => {
  const touch = touched.find((t) => !t.held && t.messageId === event.properties?.messageId);
  // Opens count within the attribution window, like conversions (and like the SQL funnel).
  if (!touch || touch.openedAt || Date.parse(event.timestamp) > Date.parse(touch.at) + touch.attributionWindowMs) return;
  const increment: KpiIncrement = { cell: cellOf(touch.campaignId, event.timestamp, touch.channel, touch.variant), add: { [COUNTERS.opened]: 1 } };
  if (await touches.recordOpen(touch, event.timestamp, increment)) {
    result.opened++;
    tallyOf(result, touch.campaignId).opened++;
  }
  touch.openedAt = event.timestamp;
};

/** An in-app message shown: once per message, within the touch's window (which spans the message's life). */
const attributeImpression = async (event: PipelineEvent, touched: Touch[], touches: TouchLog, result: TouchAttributionResult): Promise<void> => {
  const touch = touched.find((t) => !t.held && t.messageId === event.properties?.messageId);
  if (!touch || touch.impressionAt || Date.parse(event.timestamp) > Date.parse(touch.at) + touch.attributionWindowMs) return;
  const increment: KpiIncrement = { cell: cellOf(touch.campaignId, event.timestamp, touch.channel, touch.variant), add: { [COUNTERS.impressions]: 1 } };
  if (await touches.recordOpen(touch, event.timestamp, increment, 'impressionAt')) result.impressions++;
  touch.impressionAt = event.timestamp;
};

const attributeOrder = async (event: PipelineEvent, touched: Touch[], touches: TouchLog, result: TouchAttributionResult): Promise<void> => {
  const order = orderOf(event);
  if (!order) return;
  const at = Date.parse(event.timestamp);
  for (const touch of touched) {
    const from = Date.parse(touch.at);
    if (at < from || at > from + touch.attributionWindowMs || touch.orders?.includes(order.orderId)) continue;
    const first = !touch.convertedAt;
    const increment: KpiIncrement = { cell: cellOf(touch.campaignId, event.timestamp, touch.channel, touch.variant), add: orderCounters(touch, order, first) };
    if ((await touches.recordOrder(touch, order, event.timestamp, first, increment)) && !touch.held) {
      result.orders++;
      const tally = tallyOf(result, touch.campaignId);
      tally.revenue[order.currency] = (tally.revenue[order.currency] ?? 0) + order.revenue;
      if (first) {
        result.converted++;
        tally.converted++;
      }
    }
    touch.orders = [...(touch.orders ?? []), order.orderId];
    touch.revenue = { ...touch.revenue, [order.currency]: (touch.revenue?.[order.currency] ?? 0) + order.revenue };
    touch.convertedAt ??= event.timestamp;
  }
};

const tallyOf = (result: TouchAttributionResult, campaignId: string) => {
  let tally = result.byCampaign.get(campaignId);
  if (!tally) result.byCampaign.set(campaignId, (tally = { opened: 0, converted: 0, revenue: {} }));
  return tally;
};

/**
 * The counters one order adds to a touch's cell. The squares counter grows by (R + r)² − R², so that it
 * always holds Σ over touches of (that touch's revenue)², however many orders a touch gets.
 */
const orderCounters = (touch: Touch, order: Order, first: boolean): Record<string, number> => {
  const before = touch.revenue?.[order.currency] ?? 0;
  const add: Record<string, number> = {
    [touch.held ? COUNTERS.heldOrders : COUNTERS.orders]: 1,
    [revenueCounter(order.currency, touch.held)]: order.revenue,
    [revenueSquaresCounter(order.currency, touch.held)]: (before + order.revenue) ** 2 - before ** 2,
  };
  if (first) add[touch.held ? COUNTERS.heldConverted : COUNTERS.converted] = 1;
  if (!touch.held && touch.coupon && order.coupon === touch.coupon) add[COUNTERS.couponsRedeemed] = 1;
  return add;
};

/** The order of a purchase event, its revenue in minor-unit-safe arithmetic (cents, then back). */
export const orderOf = (event: PipelineEvent): Order | undefined => {
  const { orderId, currency, items, couponCode } = event.properties ?? {};
  if (!orderId || !currency || !items) return undefined;
  const cents = items.reduce((sum, item) => sum + Math.round(item.price * 100) * item.quantity, 0);
  return { orderId, currency, revenue: cents / 100, ...(couponCode && { coupon: couponCode }) };
};
