import type { StageEvaluation } from './evaluate-stage';
import type { RolloutState } from './rollout-state';

/**
 * The rollout's report as one self-contained HTML page (no scripts, no external assets): a chart of
 * both arms' conversion with 95% intervals at every look, the guardrail's likelihood ratio against its
 * threshold, and a table of every look with the statistics and the decision.
 */
export const renderRolloutReport = ({ state, campaignName }: { state: RolloutState; campaignName: string }): string => {
  const looks = state.looks;
  const last = looks.at(-1);
  const rows = looks.map((look, index) => lookRow(look, index + 1)).join('\n');
  const comparisons = last?.comparisons.length
    ? `<h2>A/B variants (last look)</h2>
<table><tr><th>variant</th><th>exposed</th><th>conversion</th><th>vs ${escape(last.comparisons[0]!.reference)}</th><th>always-valid 95% CI</th><th>p</th></tr>
${Object.entries(last.variants)
  .map(([name, arm]) => {
    const c = last.comparisons.find((x) => x.variant === name);
    return `<tr><td>${escape(name)}</td><td>${arm.exposed}</td><td>${pct(arm.conversion)} <small>[${pct(arm.interval[0])}, ${pct(arm.interval[1])}]</small></td><td>${c ? signed(c.test.difference) : 'reference'}</td><td>${c ? `[${signed(c.test.interval[0])}, ${signed(c.test.interval[1])}]` : ''}</td><td>${c ? c.test.pValue.toPrecision(3) : ''}</td></tr>`;
  })
  .join('\n')}
</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rollout ${escape(state.campaignId)} · ${escape(state.runId)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d1d1f;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem} .status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.completed{background:#1a7f37}.rolled-back{background:#cf222e}.held{background:#bf8700}.running,.paused{background:#0969da}.aborted{background:#6e7781}
table{border-collapse:collapse;width:100%;margin:1rem 0} th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:right} th:first-child,td:first-child{text-align:left}
td.decision{text-align:left} small{color:#57606a} svg text{font-size:11px;fill:#57606a}
</style></head><body>
<h1>${escape(campaignName)} <small>(${escape(state.campaignId)})</small></h1>
<p><span class="status ${state.status}">${state.status}</span> run ${escape(state.runId)}, started ${escape(state.startedAt)}, exposure now ${state.exposurePercent}% (stages ${state.stages.join(' → ')}%)${state.reason ? `<br>${escape(state.reason)}` : ''}</p>
${looks.length > 0 ? conversionChart(looks) + guardrailChart(looks) : '<p>No evaluation yet.</p>'}
<h2>Every look</h2>
<table><tr><th>#</th><th>stage</th><th>control: n, conversion [95% CI]</th><th>treatment: n, conversion [95% CI]</th><th>CTR</th><th>difference [always-valid CI]</th><th>boundary</th><th>p (always valid)</th><th>guardrail log LR / threshold</th><th>SRM p</th><th>decision</th></tr>
${rows}
</table>
${comparisons}
<p><small>Primary: mixture SPRT (always-valid p-value and confidence sequence, two-sided). Guardrail: Wald's one-sided SPRT for the configured relative drop. SRM: chi-square goodness of fit of the arms' sizes. Method and references: docs/rollouts.md.</small></p>
</body></html>
`;
};

const lookRow = (look: StageEvaluation, n: number) =>
  `<tr><td>${n}</td><td>${look.exposurePercent}%</td><td>${arm(look.control)}</td><td>${arm(look.treatment)}</td><td>${pct(look.treatment.clickThrough)}</td>` +
  `<td>${signed(look.primary.difference)} <small>[${signed(look.primary.interval[0])}, ${signed(look.primary.interval[1])}]</small></td><td>±${finite(look.primary.boundary)}</td>` +
  `<td>${look.primary.pValue.toPrecision(3)}</td><td>${look.guardrail.logLikelihoodRatio.toFixed(2)} / ${look.guardrail.threshold.toFixed(2)}</td><td>${look.srm.pValue.toPrecision(3)}</td>` +
  `<td class="decision"><b>${look.decision}</b><br><small>${escape(look.reason)}</small></td></tr>`;

const arm = (a: StageEvaluation['control']) => `${a.exposed}, ${pct(a.conversion)} <small>[${pct(a.interval[0])}, ${pct(a.interval[1])}]</small>`;

const W = 1000;
const H = 260;
const PAD = { left: 50, right: 20, top: 20, bottom: 40 };

/** Both arms' conversion per look, with their 95% Wilson intervals as bars. */
const conversionChart = (looks: readonly StageEvaluation[]): string => {
  // Arms without users have the uninformative [0, 1] interval: they do not set the scale.
  const top = Math.max(0.01, ...looks.flatMap((l) => [l.control, l.treatment]).filter((a) => a.exposed > 0).map((a) => a.interval[1])) * 1.1;
  const x = (i: number) => PAD.left + ((i + 0.5) * (W - PAD.left - PAD.right)) / looks.length;
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const series = (pick: (l: StageEvaluation) => StageEvaluation['control'], colour: string, dx: number) =>
    looks
      .map((l, i) => {
        const a = pick(l);
        return `<line x1="${x(i) + dx}" x2="${x(i) + dx}" y1="${y(a.interval[0])}" y2="${y(a.interval[1])}" stroke="${colour}" stroke-width="2"/><circle cx="${x(i) + dx}" cy="${y(a.conversion)}" r="4" fill="${colour}"/>`;
      })
      .join('') + `<polyline fill="none" stroke="${colour}" stroke-opacity=".5" points="${looks.map((l, i) => `${x(i) + dx},${y(pick(l).conversion)}`).join(' ')}"/>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${PAD.left - 6}" y="${y(top * f) + 4}" text-anchor="end">${pct(top * f)}</text><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(top * f)}" y2="${y(top * f)}" stroke="#eaeef2"/>`).join('');
  const labels = looks.map((l, i) => `<text x="${x(i)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${l.exposurePercent}% · ${l.decision}</text>`).join('');
  return `<h2>Conversion by look <small><span style="color:#6e7781">● control</span> <span style="color:#0969da">● treatment</span> (95% intervals)</small></h2>
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="conversion of control and treatment at each look">${ticks}${series((l) => l.control, '#6e7781', -6)}${series((l) => l.treatment, '#0969da', 6)}${labels}</svg>`;
};

/** The guardrail's log likelihood ratio per look against its rollback threshold. */
const guardrailChart = (looks: readonly StageEvaluation[]): string => {
  const threshold = looks[0]!.guardrail.threshold;
  const values = looks.map((l) => l.guardrail.logLikelihoodRatio);
  const hi = Math.max(threshold * 1.3, ...values);
  const lo = Math.min(-threshold, ...values);
  const h = 160;
  const x = (i: number) => PAD.left + ((i + 0.5) * (W - PAD.left - PAD.right)) / looks.length;
  const y = (v: number) => h - PAD.bottom - ((v - lo) / (hi - lo)) * (h - PAD.top - PAD.bottom);
  const bars = values.map((v, i) => `<circle cx="${x(i)}" cy="${y(v)}" r="4" fill="${v >= threshold ? '#cf222e' : '#1a7f37'}"/><text x="${x(i)}" y="${h - PAD.bottom + 16}" text-anchor="middle">${looks[i]!.exposurePercent}%</text>`).join('');
  return `<h2>Guardrail <small>log likelihood ratio, "drop" against "no drop"; rollback at the red line</small></h2>
<svg viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="guardrail log likelihood ratio per look"><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(threshold)}" y2="${y(threshold)}" stroke="#cf222e" stroke-dasharray="6 4"/><text x="${PAD.left - 6}" y="${y(threshold) + 4}" text-anchor="end">${threshold.toFixed(2)}</text><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(0)}" y2="${y(0)}" stroke="#eaeef2"/><text x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end">0</text><polyline fill="none" stroke="#57606a" stroke-opacity=".5" points="${values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>${bars}</svg>`;
};

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp` : '∞');
const finite = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)} pp` : '∞');
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
