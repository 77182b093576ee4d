import type { CampaignSummary, KpiSummary } from '../../layers/core/kpis/campaign-summary';
import type { Estimate } from '../../layers/core/kpis/incrementality';
import type { FunnelTotals } from '../../layers/core/kpis/kpi-report';

const count = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 0 });
const money = (n: number | undefined) => (n === undefined ? '-' : n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
export const percent = (r: number | undefined, digits = 1) => (r === undefined ? '-' : `${(r * 100).toFixed(digits)}%`);
const points = (e: Estimate) => `${(e.value * 100).toFixed(2)} pp [${(e.low * 100).toFixed(2)}, ${(e.high * 100).toFixed(2)}]`;
const suppressed = (totals: FunnelTotals) => Object.values(totals.suppressed).reduce((a, b) => a + b, 0);

/** A fixed-width table: columns right-aligned but the first. */
export const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
};

const FUNNEL_HEADER = ['', 'triggered', 'sent', 'held', 'suppressed', 'delivered', 'opened', 'CTR', 'in-app seen', 'in-app CTR', 'converted', 'conv.', 'orders', 'revenue', 'AOV'];
const funnelCells = (label: string, totals: FunnelTotals, currency: string): string[] => [
  label,
  count(totals.triggered),
  count(totals.sent),
  count(totals.held),
  count(suppressed(totals)),
  count(totals.delivered),
  count(totals.opened),
  percent(totals.sent ? totals.opened / totals.sent : undefined),
  count(totals.impressions),
  // Clicks per impression: exact for in-app rows (`--by channel`); mixed with push opens otherwise.
  percent(totals.impressions ? totals.opened / totals.impressions : undefined),
  count(totals.converted),
  percent(totals.sent ? totals.converted / totals.sent : undefined),
  count(totals.orders),
  money(totals.revenue[currency] ?? 0),
  money(totals.orders ? (totals.revenue[currency] ?? 0) / totals.orders : undefined),
];

/** The CLI's report: funnel, suppressions, incrementality and ROI, for people to read at a glance. */
export const formatKpis = (summary: KpiSummary): string => {
  const currency = summary.programme.roi.currency;
  const all = [...summary.campaigns, summary.programme];
  const label = (c: CampaignSummary) => (c.campaignId === '*' ? 'all campaigns' : c.campaignId);
  const sections = [
    `Campaign KPIs ${summary.from} to ${summary.to} (${summary.timeZone}); revenue in ${currency}`,
    table(FUNNEL_HEADER, all.map((c) => funnelCells(label(c), c.totals, currency))),
  ];
  if (summary.breakdown.length > 0) {
    sections.push(
      'By ' + ['day', 'variant', 'channel'].filter((k) => summary.breakdown[0]![k as 'day'] !== undefined).join(', '),
      table(FUNNEL_HEADER, summary.breakdown.map((row) => funnelCells([row.campaignId, row.day, row.variant, row.channel].filter(Boolean).join(' · '), row.totals, currency))),
    );
  }
  const reasons = [...new Set(all.flatMap((c) => Object.keys(c.totals.suppressed)))].sort();
  if (reasons.length > 0) {
    sections.push('Suppressed, by reason', table(['', ...reasons], all.map((c) => [label(c), ...reasons.map((r) => count(c.totals.suppressed[r] ?? 0))])));
  }
  sections.push(
    'Incrementality: messaged vs global holdout (95% intervals; units are messages and "would have been sent")',
    table(
      ['', 'messaged', 'conv.', 'holdout', 'conv.', 'conversion lift', 'relative', `revenue/message lift (${currency})`, 'incremental revenue'],
      all.map((c) =>
        c.lift
          ? [label(c), count(c.lift.messaged.units), percent(c.lift.messaged.conversionRate, 2), count(c.lift.holdout.units), percent(c.lift.holdout.conversionRate, 2), points(c.lift.conversionLift), c.lift.relativeConversionLift ? percent(c.lift.relativeConversionLift.value) : '-', `${money(c.lift.revenueLift.value)} [${money(c.lift.revenueLift.low)}, ${money(c.lift.revenueLift.high)}]`, money(c.lift.incrementalRevenue)]
          : [label(c), count(c.totals.sent), '-', count(c.totals.held), '-', 'too few (30 a side)', '-', '-', '-'],
      ),
    ),
    `ROI (${currency})`,
    table(['', 'revenue', 'SMS', 'push', 'coupons', 'commission', 'costs', 'ROI', 'incremental ROI'], all.map((c) => [label(c), money(c.roi.revenue), money(c.roi.costs.sms), money(c.roi.costs.push), money(c.roi.costs.coupons), money(c.roi.costs.commission), money(c.roi.costs.total), percent(c.roi.roi), percent(c.roi.incrementalRoi)])),
    `Costs included: ${summary.programme.roi.included.join('; ')}.`,
  );
  return sections.join('\n\n');
};
