import { buildWhyReport, formatWhyReport } from '../../../scripts/why/why-report';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const base = { userId: 'user-42', occurrence: 'o', triggeredAt: '2026-11-22T10:00:00.000Z' };

describe('the why report', () => {
  const input = {
    userId: 'user-42',
    decisions: [
      { ...base, messageId: 'm1', campaignId: 'related-products-after-purchase', status: 'sent' as const, decidedAt: '2026-11-23T08:00:00.000Z', channel: 'push' as const, variant: 'new-users', deferrals: [{ at: '2026-11-22T23:00:00.000Z', until: '2026-11-23T08:00:00.000Z', reason: 'QUIET_HOURS' }] },
      { ...base, messageId: 'm2', campaignId: 'browsed-three-pages', status: 'suppressed' as const, decidedAt: '2026-11-23T09:00:00.000Z', reason: 'FREQUENCY_CAP_MARKETING' as const, detail: '1 of 1 in 24h', deferrals: [] },
    ],
    caps: { version: 1, sends: [{ messageId: 'm1', campaignId: 'related-products-after-purchase', channel: 'push' as const, category: 'marketing' as const, at: Date.parse('2026-11-23T08:00:00.000Z') }] },
    timers: [
      { key: 'defer#m3', dueAt: '2026-11-24T08:00:00.000Z', campaignId: 'viewed-no-cart-coupon', messageId: 'm3' },
      { key: 'comeback-after-3-days#-', dueAt: '2026-11-26T10:00:00.000Z', campaignId: 'comeback-after-3-days', messageId: 'm4' },
    ],
    policy: { caps: { push: 3, sms: 1, 'in-app': 3, marketing: 1 } },
    now: NOW,
  };

  it('prints each decision with its reason, the deferrals, pending timers and the caps', () => {
    // Act
    const text = formatWhyReport(buildWhyReport(input));

    // Assess
    expect(text).toContain('Decisions for user-42 (times UTC):');
    expect(text).toMatch(/2026-11-23T08:00:00.000Z\s+related-products-after-purchase\s+push\s+sent\s+-\s+new-users/);
    expect(text).toContain('↳ deferred at 2026-11-22T23:00:00.000Z until 2026-11-23T08:00:00.000Z (QUIET_HOURS)');
    expect(text).toMatch(/browsed-three-pages\s+-\s+not sent\s+FREQUENCY_CAP_MARKETING \(1 of 1 in 24h\)/);
    expect(text).toContain('due 2026-11-24T08:00:00.000Z  viewed-no-cart-coupon  message m3');
    expect(text).toContain('due 2026-11-26T10:00:00.000Z  comeback-after-3-days  (comeback-after-3-days#-)');
    expect(text).toContain('Sends in the last 24 h (cap): push 1/3, sms 0/1, in-app 0/3, marketing 1/1');
  });

  it('narrows everything to one campaign', () => {
    const report = buildWhyReport({ ...input, campaignId: 'browsed-three-pages' });
    expect(report.decisions.map((d) => d.messageId)).toEqual(['m2']);
    expect(report.pendingDeferrals).toEqual([]);
    expect(report.armedTriggers).toEqual([]);
  });
});
