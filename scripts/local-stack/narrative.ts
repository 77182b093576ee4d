import type { Profile } from '../../layers/core/profile/profile';
import type { DirectPublish } from './emulators';
import type { ApiRequestReport } from './api-gateway';
import type { BatchReport } from './pollers';

/** Where narrative lines go; `console.log` for npm start, a collector in tests. */
export type Log = (line: string) => void;

const time = () => new Date().toISOString().slice(11, 23);
const say = (log: Log, icon: string, text: string) => log(`${time()} ${icon} ${text}`);

/**
 * The console story of npm start: what came in, what the stream and queues carried, what each profile
 * became, which triggers fired, what was sent or suppressed. Ids and counts only: no phone numbers,
 * endpoints in full or event payloads.
 */
export const narrative = (log: Log) => ({
  request: (r: ApiRequestReport) =>
    say(log, '⇢', `${r.httpMethod} ${r.path} → ${r.statusCode}${r.gatewayError ? ` (API Gateway: ${r.gatewayError})` : ''} (${r.durationMs} ms)`),
  ingested: (statusCode: number, body: string) => {
    let detail = '';
    try {
      const parsed = JSON.parse(body);
      detail = parsed.accepted !== undefined ? `${parsed.accepted} event(s) into the stream, ${parsed.rejected.length} rejected` : `${parsed.error?.code}`;
    } catch {
      detail = `status ${statusCode}`;
    }
    say(log, '⇢', `ingest: ${detail}`);
  },
  batch: (r: BatchReport) => {
    const icon = r.result === 'succeeded' ? '⚙' : '⚠';
    const failures = r.failedItemIds.length > 0 ? `, ${r.failedItemIds.length} failed → ${r.next ?? 'retry'}` : '';
    const error = r.error ? `: ${r.error}` : '';
    say(log, icon, `${r.functionName} ← ${r.sourceName}: ${r.recordCount} record(s), ${r.result}${failures}${error} (${r.durationMs} ms)`);
  },
  profile: (p: Profile) =>
    say(
      log,
      '👤',
      `profile ${p.userId} v${p.version}: ${Object.entries(p.counters).map(([type, n]) => `${type}×${n}`).join(' ')} | ` +
        `${p.lifecycleStage ?? '-'}, activity ${p.activityLevel ?? '-'}, push consent ${p.consent.push?.granted ?? 'unknown'}` +
        (p.tags.length ? ` | tags ${p.tags.join(', ')}` : ''),
    ),
  triggerFired: (campaignId: string, userId: string, channel: string) => say(log, '⚡', `trigger fired: ${campaignId} for ${userId} (${channel})`),
  outcome: (o: { status: string; userId: string; campaignId: string; reason?: string; channel?: string }) =>
    say(log, o.status === 'sent' ? '✉' : '⊘', `${o.status}: ${o.campaignId} to ${o.userId}${o.status === 'sent' && o.channel ? ` by ${o.channel}` : ''}${o.reason ? ` (${o.reason})` : ''}`),
  push: (p: DirectPublish) => {
    const target = p.targetArn ? `…${p.targetArn.slice(-8)}` : 'sms';
    let title = '';
    try {
      title = JSON.parse(JSON.parse(p.message).GCM).fcmV1Message.message.notification.title;
    } catch {
      /* not our push format */
    }
    say(log, '📱', `SNS ${p.kind} to endpoint ${target}${title ? `: "${title}"` : ''} (SNS message ${p.id})`);
  },
  scheduled: (scheduleLogicalId: string, result: unknown) => {
    // The sweep reports what it fired; a quiet minute is not worth a line.
    type Promotion = { reason?: string; promoted?: boolean };
    const { fired, gate, results } = (result ?? {}) as { fired?: number; gate?: { reason?: string; run?: boolean }; results?: { promotion?: Promotion }[] };
    const promotion = results?.[0]?.promotion;
    if (fired) say(log, '⏰', `${scheduleLogicalId}: ${fired} timer(s) fired`);
    if (gate && !gate.run) say(log, '🧠', `${scheduleLogicalId}: retraining skipped, ${gate.reason}`);
    if (promotion) say(log, '🧠', `${scheduleLogicalId}: model ${promotion.promoted ? 'promoted' : 'kept'}, ${promotion.reason}`);
  },
  info: (text: string) => say(log, '·', text),
});

export type Narrative = ReturnType<typeof narrative>;
