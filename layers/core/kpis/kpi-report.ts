import type { KpiCell } from './funnel';

/** One cell's counters as stored. */
export interface CounterRow {
  cell: KpiCell;
  counters: Record<string, number>;
}

/** A campaign's funnel over some cells: every counter summed, the per-reason and per-currency ones grouped. */
export interface FunnelTotals {
  triggered: number;
  sent: number;
  held: number;
  suppressed: Record<string, number>;
  smsSent: Record<string, number>;
  delivered: number;
  deliveryFailed: number;
  opened: number;
  /** In-app messages shown (the first time each). */
  impressions: number;
  converted: number;
  orders: number;
  couponsRedeemed: number;
  revenue: Record<string, number>;
  revenueSq: Record<string, number>;
  heldConverted: number;
  heldOrders: number;
  heldRevenue: Record<string, number>;
  heldRevenueSq: Record<string, number>;
}

export const emptyTotals = (): FunnelTotals => ({
  triggered: 0,
  sent: 0,
  held: 0,
  suppressed: {},
  smsSent: {},
  delivered: 0,
  deliveryFailed: 0,
  opened: 0,
  impressions: 0,
  converted: 0,
  orders: 0,
  couponsRedeemed: 0,
  revenue: {},
  revenueSq: {},
  heldConverted: 0,
  heldOrders: 0,
  heldRevenue: {},
  heldRevenueSq: {},
});

const GROUPED = { 'suppressed:': 'suppressed', 'smsSent:': 'smsSent', 'revenue:': 'revenue', 'revenueSq:': 'revenueSq', 'heldRevenue:': 'heldRevenue', 'heldRevenueSq:': 'heldRevenueSq' } as const;
const SCALARS = ['triggered', 'sent', 'held', 'delivered', 'deliveryFailed', 'opened', 'impressions', 'converted', 'orders', 'couponsRedeemed', 'heldConverted', 'heldOrders'] as const;

/** Adds counters into totals (in place) and returns them. */
export const addCounters = (totals: FunnelTotals, counters: Record<string, number>): FunnelTotals => {
  for (const [name, value] of Object.entries(counters)) {
    const scalar = SCALARS.find((s) => s === name);
    if (scalar) {
      totals[scalar] += value;
      continue;
    }
    const prefix = (Object.keys(GROUPED) as (keyof typeof GROUPED)[]).find((p) => name.startsWith(p));
    if (!prefix) continue;
    const group = totals[GROUPED[prefix]];
    const key = name.slice(prefix.length);
    group[key] = (group[key] ?? 0) + value;
  }
  return totals;
};

/** The local calendar day (`YYYY-MM-DD`) a cell falls in, in an IANA time zone: cells are quarter-hours, so this is exact. */
export const localDayOf = (cell: Pick<KpiCell, 'day' | 'slot'>, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(`${cell.day}T${cell.slot}:00Z`));

/** The UTC days whose cells can fall in the local days `from`..`to` (inclusive) of any time zone. */
export const utcDaysCovering = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`) - 86_400_000; t <= Date.parse(`${to}T00:00:00Z`) + 86_400_000; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
};

export type Grouping = 'campaign' | 'variant' | 'channel' | 'day';

/** A funnel row: the key it is grouped by and its totals. */
export interface FunnelRow {
  campaignId: string;
  variant?: string;
  channel?: string;
  /** Local day in the report's time zone. */
  day?: string;
  totals: FunnelTotals;
}

/**
 * Sums cells into rows grouped by campaign and the chosen dimensions, keeping the local days `from`..`to`
 * (inclusive) in `timeZone` (`UTC` for UTC days). Rows come out sorted by their key.
 */
export const funnelRows = (rows: readonly CounterRow[], options: { from: string; to: string; timeZone: string; by?: readonly Grouping[] }): FunnelRow[] => {
  const by = new Set(options.by ?? []);
  const grouped = new Map<string, FunnelRow>();
  for (const { cell, counters } of rows) {
    const day = localDayOf(cell, options.timeZone);
    if (day < options.from || day > options.to) continue;
    const row: Omit<FunnelRow, 'totals'> = {
      campaignId: cell.campaignId,
      ...(by.has('variant') && { variant: cell.variant }),
      ...(by.has('channel') && { channel: cell.channel }),
      ...(by.has('day') && { day }),
    };
    const key = [row.campaignId, row.day, row.variant, row.channel].join('\u0000');
    const existing = grouped.get(key) ?? { ...row, totals: emptyTotals() };
    addCounters(existing.totals, counters);
    grouped.set(key, existing);
  }
  return [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
};

/** Rates people read at a glance; undefined where the denominator is 0. */
export const ratesOf = (totals: FunnelTotals, currency: string) => ({
  ctr: ratio(totals.opened, totals.sent),
  /** In-app: clicks per impression, the in-app CTR (read it on the `in-app` channel row: `--by channel`). */
  impressionCtr: ratio(totals.opened, totals.impressions),
  conversionRate: ratio(totals.converted, totals.sent),
  averageOrderValue: ratio(totals.revenue[currency] ?? 0, totals.orders),
  holdoutConversionRate: ratio(totals.heldConverted, totals.held),
});

export const ratio = (numerator: number, denominator: number): number | undefined => (denominator > 0 ? numerator / denominator : undefined);
