import type { Deferral } from '../../layers/adapters/dynamo-message-log';
import { CAP_WINDOW_MS, type DeliveryPolicy } from '../../layers/core/messaging/delivery-policy';
import type { CapsState, DecisionRecord } from '../../layers/core/messaging/ledger';

/** A timer of the user, as the Timers table holds it. */
export interface PendingTimer {
  key: string;
  dueAt: string;
  campaignId: string;
  messageId: string;
}

export interface WhyInput {
  userId: string;
  campaignId?: string;
  decisions: (DecisionRecord & { deferrals: Deferral[] })[];
  caps: CapsState;
  timers: PendingTimer[];
  policy: Pick<DeliveryPolicy, 'caps'>;
  now: Date;
}

/** What the CLI prints with --json. */
export interface WhyReport {
  userId: string;
  campaignId?: string;
  decisions: {
    time: string;
    campaign: string;
    channel: string;
    status: string;
    reason: string;
    detail?: string;
    variant?: string;
    messageId: string;
    deferrals: Deferral[];
  }[];
  pendingDeferrals: PendingTimer[];
  armedTriggers: PendingTimer[];
  capsLast24h: { push: string; sms: string; 'in-app': string; marketing: string };
}

/**
 * "Why did this user get / not get this message?": the decision log (oldest first) with each decision's
 * reason, the deferrals still waiting on a timer, the trigger timers armed for the user, and where the
 * user stands against the frequency caps. Pure; never shows an address (the log holds none).
 */
export const buildWhyReport = (input: WhyInput): WhyReport => {
  const forCampaign = <T extends { campaignId: string }>(items: T[]) => (input.campaignId ? items.filter((i) => i.campaignId === input.campaignId) : items);
  const recent = input.caps.sends.filter((s) => s.at > input.now.getTime() - CAP_WINDOW_MS);
  const count = (predicate: (s: CapsState['sends'][number]) => boolean, cap: number) => `${recent.filter(predicate).length}/${cap}`;
  return {
    userId: input.userId,
    ...(input.campaignId && { campaignId: input.campaignId }),
    decisions: forCampaign(input.decisions).map((d) => ({
      time: d.decidedAt,
      campaign: d.campaignId,
      channel: d.channel ?? '-',
      status: d.status,
      reason: d.reason ?? '-',
      ...(d.detail && { detail: d.detail }),
      ...(d.variant && { variant: d.variant }),
      messageId: d.messageId,
      deferrals: d.deferrals,
    })),
    pendingDeferrals: forCampaign(input.timers.filter((t) => t.key.startsWith('defer#'))),
    armedTriggers: forCampaign(input.timers.filter((t) => !t.key.startsWith('defer#'))),
    capsLast24h: {
      push: count((s) => s.channel === 'push', input.policy.caps.push),
      sms: count((s) => s.channel === 'sms', input.policy.caps.sms),
      'in-app': count((s) => s.channel === 'in-app', input.policy.caps['in-app']),
      marketing: count((s) => s.category === 'marketing', input.policy.caps.marketing),
    },
  };
};

const STATUS_MEANING: Record<string, string> = {
  sent: 'sent',
  sending: 'sending (no confirmation recorded: at most once)',
  unconfirmed: 'sent? (the provider did not answer: not retried)',
  suppressed: 'not sent',
  deferred: 'deferred',
  failed: 'failed (will be retried)',
};

/** The report as the table a person reads. */
export const formatWhyReport = (report: WhyReport): string => {
  const lines: string[] = [];
  const scope = report.campaignId ? ` for campaign ${report.campaignId}` : '';
  lines.push(`Decisions for ${report.userId}${scope} (times UTC):`);
  if (report.decisions.length === 0) {
    lines.push('  none recorded (no intent reached deliver, or the log expired after 90 days)');
  } else {
    const rows = report.decisions.map((d) => [d.time, d.campaign, d.channel, STATUS_MEANING[d.status] ?? d.status, d.detail ? `${d.reason} (${d.detail})` : d.reason, d.variant ?? '-']);
    const header = ['time', 'campaign', 'channel', 'status', 'reason', 'variant'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const format = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
    lines.push(format(header));
    report.decisions.forEach((d, i) => {
      lines.push(format(rows[i]!));
      for (const deferral of d.deferrals) lines.push(`    ↳ deferred at ${deferral.at} until ${deferral.until} (${deferral.reason})`);
    });
  }
  lines.push('', 'Pending deferrals:');
  if (report.pendingDeferrals.length === 0) lines.push('  none');
  for (const t of report.pendingDeferrals) lines.push(`  due ${t.dueAt}  ${t.campaignId}  message ${t.messageId}`);
  lines.push('', 'Armed trigger timers:');
  if (report.armedTriggers.length === 0) lines.push('  none');
  for (const t of report.armedTriggers) lines.push(`  due ${t.dueAt}  ${t.campaignId}  (${t.key})`);
  lines.push('', `Sends in the last 24 h (cap): push ${report.capsLast24h.push}, sms ${report.capsLast24h.sms}, in-app ${report.capsLast24h['in-app']}, marketing ${report.capsLast24h.marketing}`);
  return lines.join('\n');
};
