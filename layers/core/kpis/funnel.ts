import type { DecisionRecord } from '../messaging/ledger';

/**
 * The funnel's counters, one set per cell (campaign × UTC quarter-hour × channel × content variant).
 * Quarter-hours because every time zone's offset is a multiple of 15 minutes: a day in any reporting
 * time zone is an exact union of cells, so one write per fact serves UTC and local reports alike.
 */
export interface KpiCell {
  campaignId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** `HH:MM`, the UTC quarter-hour the fact falls in. */
  slot: string;
  /** `-` when the decision never chose one (suppressed before a channel was possible). */
  channel: string;
  variant: string;
}

/** Counter names. Per-reason and per-currency counters are `suppressed:<REASON>` and `revenue:<CUR>`. */
export const COUNTERS = {
  /** Final decisions: sent + held + suppressed. */
  triggered: 'triggered',
  /** Committed sends (the provider's answer unknown included: at most once, counted as sent). */
  sent: 'sent',
  /** Global holdout: would have been sent. */
  held: 'held',
  /** SNS reported the message handed to the push service or the carrier (where delivery status logging is on). */
  delivered: 'delivered',
  deliveryFailed: 'deliveryFailed',
  /** The first open of a push, click of an SMS link or click of an in-app message. */
  opened: 'opened',
  /** The first time an in-app message was shown (in-app CTR = opened / impressions). */
  impressions: 'impressions',
  converted: 'converted',
  /** Purchases attributed to sends (each once per send). */
  orders: 'orders',
  couponsRedeemed: 'couponsRedeemed',
  heldConverted: 'heldConverted',
  heldOrders: 'heldOrders',
} as const;

export const suppressedCounter = (reason: string): string => `suppressed:${reason}`;
/** SMS sent per destination country (ISO 3166): their price differs by country. */
export const smsSentCounter = (country: string): string => `smsSent:${country}`;
export const revenueCounter = (currency: string, held = false): string => `${held ? 'heldRevenue' : 'revenue'}:${currency}`;
/** Σ over touches of (the touch's revenue)²: the variance of revenue per message, for confidence intervals. */
export const revenueSquaresCounter = (currency: string, held = false): string => `${held ? 'heldRevenueSq' : 'revenueSq'}:${currency}`;

export interface KpiIncrement {
  cell: KpiCell;
  add: Record<string, number>;
}

/** A message that can convert: sent, or held out (would have been sent). Kept for its attribution window. */
export interface Touch {
  userId: string;
  messageId: string;
  campaignId: string;
  channel: string;
  variant: string;
  /** When it went out (its rate-limit slot), or when it was held, ISO-8601. */
  at: string;
  held: boolean;
  attributionWindowMs: number;
  /** The coupon code the message carried: a purchase with it is a redemption. */
  coupon?: string;
  openedAt?: string;
  /** In-app: first shown. */
  impressionAt?: string;
  convertedAt?: string;
  /** Orders attributed so far (each at most once). */
  orders?: string[];
  /** Revenue attributed so far, by currency. */
  revenue?: Record<string, number>;
}

/** What the measurement needs of a campaign when a decision is recorded. */
export interface MeasurementFacts {
  attributionWindowMs: number;
  coupon?: string;
}

/** The suppression that is the global holdout: "would have been sent". */
export const HOLDOUT_REASON = 'HOLDOUT';

const QUARTER_MS = 15 * 60_000;

export const cellOf = (campaignId: string, at: string, channel?: string, variant?: string): KpiCell => {
  const quarter = new Date(Math.floor(Date.parse(at) / QUARTER_MS) * QUARTER_MS).toISOString();
  return { campaignId, day: quarter.slice(0, 10), slot: quarter.slice(11, 16), channel: channel ?? '-', variant: variant ?? '-' };
};

/** A decision's time in the funnel: when it went out if it did, else when it was taken. */
const countedAt = (decision: DecisionRecord): string => decision.sendAt ?? decision.decidedAt;

/**
 * Where a final decision counts in the funnel, for the decisions export: the SQL over it (Athena,
 * DuckDB) groups by the same time, channel and variant as the counters.
 */
export interface FunnelFacts {
  decidedAt: string;
  funnelAt: string;
  funnelChannel: string;
  funnelVariant: string;
}

export const funnelFactsOf = (decision: DecisionRecord): FunnelFacts => ({
  decidedAt: decision.decidedAt,
  funnelAt: countedAt(decision),
  funnelChannel: decision.channel ?? '-',
  funnelVariant: decision.variant ?? '-',
});

/**
 * The counters a final decision adds, and the touch it starts (a send or a holdout). Written in the same
 * transaction as the decision, which is conditional on the message being undecided: exactly once.
 */
export const countDecision = (decision: DecisionRecord, facts?: MeasurementFacts): { increment: KpiIncrement; touch?: Touch } | undefined => {
  const cell = cellOf(decision.campaignId, countedAt(decision), decision.channel, decision.variant);
  if (decision.status === 'sending') {
    const add = { [COUNTERS.triggered]: 1, [COUNTERS.sent]: 1, ...(decision.destinationCountry && { [smsSentCounter(decision.destinationCountry)]: 1 }) };
    return { increment: { cell, add }, ...(facts && { touch: touchOf(decision, facts, false) }) };
  }
  if (decision.status !== 'suppressed') return undefined;
  if (decision.reason === HOLDOUT_REASON) {
    return { increment: { cell, add: { [COUNTERS.triggered]: 1, [COUNTERS.held]: 1 } }, ...(facts && { touch: touchOf(decision, facts, true) }) };
  }
  return { increment: { cell, add: { [COUNTERS.triggered]: 1, [suppressedCounter(decision.reason ?? 'UNKNOWN')]: 1 } } };
};

/**
 * What giving back a committed send changes: it is no longer sent; a rejection becomes a suppression in
 * the same cell, a failure leaves the funnel until the retry decides it again.
 */
export const countGiveBack = (replacement: DecisionRecord): KpiIncrement => {
  const cell = cellOf(replacement.campaignId, countedAt(replacement), replacement.channel, replacement.variant);
  const unsent = { [COUNTERS.sent]: -1, ...(replacement.destinationCountry && { [smsSentCounter(replacement.destinationCountry)]: -1 }) };
  if (replacement.status === 'suppressed') return { cell, add: { ...unsent, [suppressedCounter(replacement.reason ?? 'UNKNOWN')]: 1 } };
  return { cell, add: { ...unsent, [COUNTERS.triggered]: -1 } };
};

const touchOf = (decision: DecisionRecord, facts: MeasurementFacts, held: boolean): Touch => ({
  userId: decision.userId,
  messageId: decision.messageId,
  campaignId: decision.campaignId,
  channel: decision.channel ?? '-',
  variant: decision.variant ?? '-',
  at: countedAt(decision),
  held,
  attributionWindowMs: facts.attributionWindowMs,
  ...(facts.coupon && { coupon: facts.coupon }),
});
