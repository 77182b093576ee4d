import type { CampaignReview, DailyReview, RateComparison } from './daily-review';

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const escape = escapeHtml;
const pct = (r: number | undefined, digits = 1) => (r === undefined ? '–' : `${(r * 100).toFixed(digits)}%`);
const num = (n: number | undefined, digits = 0) => (n === undefined ? '–' : n.toLocaleString('en-GB', { maximumFractionDigits: digits }));
const COLOURS = ['#0969da', '#1a7f37', '#bf8700', '#8250df', '#cf222e', '#1b7c83', '#6e7781'];

/**
 * The daily review as one self-contained HTML page (no scripts, no external assets, like the rollout
 * report): a chart of each campaign's conversion over 8 days, each campaign against yesterday's goals,
 * the programme's lift and ROI, behaviour and feedback.
 */
export const renderDailyReview = (review: DailyReview): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Daily review ${escape(review.day)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d1d1f;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:1rem 0} th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:right} th:first-child,td:first-child{text-align:left}
.met{color:#1a7f37;font-weight:600}.missed{color:#cf222e;font-weight:600} small{color:#57606a} svg text{font-size:11px;fill:#57606a}
.positive{color:#1a7f37}.negative{color:#cf222e}.neutral{color:#57606a}
</style></head><body>
<h1>Daily review, ${escape(review.day)} <small>(${escape(review.timeZone)})</small></h1>
<h2>Conversion per campaign, last 8 days</h2>
${conversionChart(review.campaigns)}
<h2>Campaigns yesterday</h2>
<table><tr><th>campaign</th><th>sent</th><th>held</th><th>conversion</th><th>day before</th><th>7-day avg</th><th>goal</th><th>CTR</th><th>day before</th><th>7-day avg</th><th>goal</th></tr>
${review.campaigns.map(campaignRow).join('\n')}
</table>
<h2>Incrementality and ROI (yesterday, all campaigns)</h2>
${programme(review)}
<h2>Behaviour</h2>
<table><tr><th></th><th>sessions</th><th>product views</th><th>mean dwell (s)</th><th>add-to-cart rate</th></tr>
${[['yesterday', review.behaviour.yesterday], ['day before', review.behaviour.dayBefore], ['7-day average', review.behaviour.sevenDayAverage]]
  .map(([label, d]) => typeof d === 'object' && `<tr><td>${label}</td><td>${num(d.sessions)}</td><td>${num(d.productViews)}</td><td>${num(d.meanDwellSeconds, 1)}</td><td>${pct(d.addToCartRate)}</td></tr>`)
  .join('\n')}
</table>
<h2>User feedback</h2>
${feedback(review)}
<p><small>Funnel from the exact counters (npm run kpis); lift against the global holdout with 95% intervals; method in docs/measurement.md.</small></p>
</body></html>
`;

const goalCell = (c: RateComparison) => {
  if (c.goal === undefined) return '<td>–</td>';
  if (c.attainment === undefined) return `<td>${pct(c.goal)} <small>(nothing sent)</small></td>`;
  return `<td class="${c.attainment >= 1 ? 'met' : 'missed'}">${pct(c.goal)} <small>(${pct(c.attainment, 0)} of it)</small></td>`;
};
/** A difference of two rates, in percentage points. */
const points = (d: number) => `${(d * 100).toFixed(2)} pp`;

const campaignRow = (c: CampaignReview) =>
  `<tr><td>${escape(c.name)}<br><small>${escape(c.campaignId)}</small></td><td>${num(c.yesterday.sent)}</td><td>${num(c.yesterday.held)}</td>` +
  `<td>${pct(c.conversionRate.yesterday)}</td><td>${pct(c.conversionRate.dayBefore)}</td><td>${pct(c.conversionRate.sevenDayAverage)}</td>${goalCell(c.conversionRate)}` +
  `<td>${pct(c.ctr.yesterday)}</td><td>${pct(c.ctr.dayBefore)}</td><td>${pct(c.ctr.sevenDayAverage)}</td>${goalCell(c.ctr)}</tr>`;

const programme = ({ kpis }: DailyReview) => {
  const { lift, roi, totals } = kpis.programme;
  const liftText = lift
    ? `Conversion ${pct(lift.messaged.conversionRate, 2)} messaged vs ${pct(lift.holdout.conversionRate, 2)} holdout: lift ${points(lift.conversionLift.value)} [${points(lift.conversionLift.low)}, ${points(lift.conversionLift.high)}]; incremental revenue ${num(lift.incrementalRevenue, 2)} ${roi.currency}.`
    : `Not enough messages on both sides for a lift (30 each): ${totals.sent} sent, ${totals.held} held.`;
  return `<p>${liftText}</p><p>Revenue ${num(roi.revenue, 2)} ${roi.currency}, costs ${num(roi.costs.total, 2)}: ROI ${pct(roi.roi)}${roi.incrementalRoi !== undefined ? `, incremental ROI ${pct(roi.incrementalRoi)}` : ''}.<br><small>Costs included: ${escape(roi.included.join('; '))}.</small></p>`;
};

const feedback = ({ feedback: f }: DailyReview) => {
  if (f.total === 0) return '<p>No feedback yesterday.</p>';
  const sentiments = ['positive', 'neutral', 'negative'] as const;
  return `<p>${f.total} answers: ${sentiments.map((s) => `<span class="${s}">${f.bySentiment[s]} ${s}</span>`).join(', ')}.</p>
<table><tr><th>where</th><th>total</th><th>positive</th><th>neutral</th><th>negative</th></tr>
${Object.entries(f.byPlacement)
  .map(([place, c]) => `<tr><td>${escape(place)}</td><td>${c.total}</td><td>${c.positive}</td><td>${c.neutral}</td><td>${c.negative}</td></tr>`)
  .join('\n')}</table>
${sentiments.map((s) => (f.examples[s].length > 0 ? `<h3 class="${s}">${s}</h3><ul>${f.examples[s].map((e) => `<li>“${escape(e.text)}” <small>${e.rating}/5, ${escape(e.placement)}</small></li>`).join('')}</ul>` : '')).join('\n')}`;
};

const W = 1000;
const H = 240;
const PAD = { left: 50, right: 160, top: 15, bottom: 30 };

/** Each campaign's daily conversion as a line, on one scale. */
const conversionChart = (campaigns: readonly CampaignReview[]): string => {
  const days = campaigns[0]?.daily.map((d) => d.day) ?? [];
  const top = Math.max(0.01, ...campaigns.flatMap((c) => c.daily.map((d) => d.conversionRate ?? 0))) * 1.1;
  const x = (i: number) => PAD.left + (i * (W - PAD.left - PAD.right)) / Math.max(1, days.length - 1);
  const y = (r: number) => H - PAD.bottom - (r / top) * (H - PAD.top - PAD.bottom);
  const lines = campaigns.map((c, n) => {
    const colour = COLOURS[n % COLOURS.length]!;
    const points = c.daily.flatMap((d, i) => (d.conversionRate === undefined ? [] : [`${x(i).toFixed(1)},${y(d.conversionRate).toFixed(1)}`]));
    return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>${points.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`).join('')}<text x="${W - PAD.right + 10}" y="${PAD.top + 14 * (n + 1)}" style="fill:${colour}">${escape(c.campaignId)}</text>`;
  });
  const ticks = [0, 0.5, 1].map((f) => `<text x="4" y="${y(top * f) + 4}">${pct(top * f)}</text><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(top * f)}" y2="${y(top * f)}" stroke="#eaeef2"/>`);
  const labels = days.map((d, i) => `<text x="${x(i) - 14}" y="${H - 8}">${d.slice(5)}</text>`);
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="conversion per campaign per day">${ticks.join('')}${labels.join('')}${lines.join('')}</svg>`;
};
