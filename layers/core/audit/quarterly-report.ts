import { escapeHtml as e } from '../kpis/review-report';
import type { QuarterlyAudit } from './quarterly-audit';

const pct = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((part / whole) * 100).toFixed(1)}%`);
const table = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
const cell = (value: string, flagged = false) => `<td${flagged ? ' class="flag"' : ''}>${e(value)}</td>`;

/** The quarterly audit as one self-contained HTML page (its JSON twin is the model itself). */
export const renderQuarterlyAudit = (audit: QuarterlyAudit): string => {
  const unencrypted = audit.encryption.filter((r) => !r.ok).length;
  const unjustified = audit.wildcards.filter((w) => w.justifications.length === 0).length;
  const unbounded = audit.retention.filter((r) => !r.bounded).length;
  const c = audit.consent;
  const requests = audit.dataRequests;
  const logFindings = audit.logScan.filter((source) => Object.keys(source.findings).length > 0);
  const logLines = audit.logScan.reduce((sum, source) => sum + source.lines, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Security audit ${e(audit.quarter)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}.flag{background:#fde2e1}small{color:#555}</style></head><body>
<h1>Security audit, ${e(audit.quarter)} <small>${e(audit.stack)}, generated ${e(audit.generatedAt)}</small></h1>
<ul>
<li>Encryption: ${audit.encryption.length} resources, ${unencrypted} without encryption at rest.</li>
<li>IAM wildcards: ${audit.wildcards.length} statements, ${unjustified} without a justification.</li>
<li>Retention: ${audit.retention.length} stores, ${unbounded} kept without a limit (listed for review).</li>
<li>Consent coverage: ${c.profiles} profiles; tracking stated by ${pct(c.trackingStated, c.profiles)} (granted ${pct(c.trackingGranted, c.profiles)}), a channel by ${pct(c.channelStated, c.profiles)}.</li>
<li>Data-subject requests: ${requests.rows.length} this quarter, ${requests.failed} failed, ${requests.late} not complete within 24 hours${requests.maxMinutes === undefined ? '' : `; the slowest took ${requests.maxMinutes} minutes`}.</li>
<li>Logs: ${logLines} lines from ${audit.logScan.length} sources scanned, personal data found in ${logFindings.length}.</li>
<li>cdk-nag AwsSolutions: ${audit.nag.unacknowledged.length} unacknowledged findings, ${audit.nag.acknowledged.length} acknowledged with a reason.</li>
</ul>
<h2 id="encryption">Encryption at rest</h2>
${table(['resource', 'type', 'encryption'], audit.encryption.map((r) => [cell(r.resource), cell(r.type), cell(r.encryption, !r.ok)]))}
<h2 id="wildcards">IAM statements with wildcards</h2>
${table(['policy', 'actions', 'resources', 'justification'], audit.wildcards.map((w) => [cell(w.policy), cell(w.actions.join(', ')), cell(w.resources.join(', ')), cell(w.justifications.join(' / ') || 'none', w.justifications.length === 0)]))}
<h2 id="retention">Retention</h2>
${table(['store', 'type', 'retention'], audit.retention.map((r) => [cell(r.resource), cell(r.type), cell(r.retention, !r.bounded)]))}
<h2 id="consent">Consent coverage</h2>
${table(['profiles', 'tracking stated', 'tracking granted', 'a channel stated'], [[cell(String(c.profiles)), cell(`${c.trackingStated} (${pct(c.trackingStated, c.profiles)})`), cell(`${c.trackingGranted} (${pct(c.trackingGranted, c.profiles)})`), cell(`${c.channelStated} (${pct(c.channelStated, c.profiles)})`)]])}
<h2 id="data-requests">Data-subject requests</h2>
${table(['request', 'kind', 'status', 'requested', 'completed', 'minutes', 'failed stores'], requests.rows.map((r) => [cell(r.requestId), cell(r.kind), cell(r.status, r.status !== 'succeeded'), cell(r.requestedAt), cell(r.completedAt ?? ''), cell(r.minutes === undefined ? '' : String(r.minutes), (r.minutes ?? 0) > 24 * 60), cell(r.failedStores.join(', '), r.failedStores.length > 0)]))}
<h2 id="logs">Personal data in logs</h2>
${table(['source', 'lines scanned', 'findings'], audit.logScan.map((s) => [cell(s.source), cell(String(s.lines)), cell(Object.entries(s.findings).map(([kind, n]) => `${kind}: ${n}`).join(', ') || 'none', Object.keys(s.findings).length > 0)]))}
<h2 id="nag">cdk-nag findings</h2>
${table(['rule', 'where', 'status'], [...audit.nag.unacknowledged.map((v) => [cell(v.rule, true), cell(v.paths.join(', ')), cell('unacknowledged', true)]), ...audit.nag.acknowledged.map((v) => [cell(v.rule), cell(v.path), cell(v.reason)])])}
<h2 id="not-covered">Not covered by this report yet</h2>
<ul>${audit.notCovered.map((n) => `<li>${e(n)}</li>`).join('')}</ul>
</body></html>
`;
};
