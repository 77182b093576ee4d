import { returnOnInvestment, type CostSettings, type ReturnOnInvestment } from './costs';
import { incrementality, type Incrementality } from './incrementality';
import { emptyTotals, funnelRows, ratesOf, type CounterRow, type FunnelRow, type FunnelTotals, type Grouping } from './kpi-report';

export interface CampaignSummary {
  /** `*` for the programme: every campaign together. */
  campaignId: string;
  totals: FunnelTotals;
  rates: ReturnType<typeof ratesOf>;
  lift?: Incrementality;
  roi: ReturnOnInvestment;
}

export interface KpiSummary {
  from: string;
  to: string;
  timeZone: string;
  campaigns: CampaignSummary[];
  programme: CampaignSummary;
  /** The funnel split by the requested dimensions (variant, channel, day). */
  breakdown: FunnelRow[];
}

/** The programme's pseudo campaign id. */
export const PROGRAMME = '*';

/**
 * Every number the CLI, the daily review and the dashboard's alert agree on, from the counters of the
 * local days `from`..`to` in `timeZone`: each campaign's funnel, rates, lift over the holdout and ROI,
 * and the programme's. The programme pools the campaigns' messages: a purchase attributed to two
 * campaigns counts in both (each campaign is judged on its own window), so the programme's revenue can
 * exceed the shop's; its incrementality is the honest total.
 */
export const summarizeKpis = (rows: readonly CounterRow[], options: { from: string; to: string; timeZone: string; costs: CostSettings; by?: readonly Grouping[] }): KpiSummary => {
  const { costs } = options;
  const perCampaign = funnelRows(rows, { ...options, by: [] });
  const summary = (campaignId: string, totals: FunnelTotals): CampaignSummary => {
    const lift = incrementality(totals, costs.currency);
    return { campaignId, totals, rates: ratesOf(totals, costs.currency), ...(lift && { lift }), roi: returnOnInvestment(totals, costs, lift) };
  };
  // The programme is every campaign's cells under one id: the same sum, the same day filter.
  const pooled = rows.map((row) => ({ ...row, cell: { ...row.cell, campaignId: PROGRAMME } }));
  const programme = funnelRows(pooled, { ...options, by: [] })[0]?.totals ?? emptyTotals();
  return {
    from: options.from,
    to: options.to,
    timeZone: options.timeZone,
    campaigns: perCampaign.map((row) => summary(row.campaignId, row.totals)),
    programme: summary(PROGRAMME, programme),
    breakdown: options.by && options.by.length > 0 ? funnelRows(rows, options) : [],
  };
};
