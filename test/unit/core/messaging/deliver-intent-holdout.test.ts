import { deliverIntent } from '../../../../layers/core/messaging/deliver-intent';
import { isInGlobalHoldout } from '../../../../layers/core/rollouts/bucketing';
import { funnelRows } from '../../../../layers/core/kpis/kpi-report';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryHarness } from '../../../helpers/delivery-fakes';
import { intentFactory, profileFactory } from '../../../helpers/factories';

const NOON = '2026-11-22T12:00:00.000Z';
const marketing = campaignFactory({ id: 'promo', category: 'marketing', content: [{ name: 'default', title: 'Sale', body: 'Everything {{coupon}}', coupon: 'TEN', recommendations: 0 }] });
const transactional = campaignFactory({ id: 'order-update', category: 'transactional', content: [{ name: 'default', title: 'Shipped', body: 'On its way', recommendations: 0 }] });
const userWhere = (held: boolean, share: number) => {
  for (let n = 0; ; n++) if (isInGlobalHoldout(`u${n}`, share) === held) return `u${n}`;
};

const setup = (userId: string, campaignId: string) => {
  const harness = deliveryHarness({ campaigns: [marketing, transactional], start: NOON, policy: { holdoutShare: 0.05 } });
  harness.deps.profiles.items.set(userId, profileFactory({ userId, timeZone: 'Europe/London' }));
  const intent = intentFactory({ userId, campaignId });
  return { ...harness, deliver: () => harness.time.settle(deliverIntent(intent, harness.deps)) };
};

describe('the global holdout', () => {
  it('holds a stable share of users, and raising the share only adds users', () => {
    const users = Array.from({ length: 20_000 }, (_, n) => `user-${n}`);
    const at5 = users.filter((u) => isInGlobalHoldout(u, 0.05));
    expect(at5.length / users.length).toBeGreaterThan(0.045);
    expect(at5.length / users.length).toBeLessThan(0.055);
    expect(at5.every((u) => isInGlobalHoldout(u, 0.1))).toBe(true);
    expect(users.some((u) => isInGlobalHoldout(u, 0))).toBe(false);
  });

  it('sends no marketing to a held user, recording "would have been sent" with the channel and a touch', async () => {
    // Prepare
    const { deliver, provider, deps } = setup(userWhere(true, 0.05), 'promo');

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'suppressed', reason: 'HOLDOUT', detail: 'would have been sent by push' });
    expect(provider.delivered).toHaveLength(0);
    const [row] = funnelRows(deps.ledger.kpis.rows(), { from: '2026-11-22', to: '2026-11-22', timeZone: 'UTC' });
    expect(row!.totals).toMatchObject({ triggered: 1, held: 1, sent: 0 });
    expect([...deps.ledger.kpis.touches.values()]).toEqual([expect.objectContaining({ held: true, channel: 'push', variant: 'default' })]);
  });

  it('still sends transactional messages to held users, and marketing to everyone else with the coupon on its touch', async () => {
    const held = setup(userWhere(true, 0.05), 'order-update');
    const other = setup(userWhere(false, 0.05), 'promo');

    expect(await held.deliver()).toMatchObject({ status: 'sent' });
    expect(await other.deliver()).toMatchObject({ status: 'sent' });
    expect([...other.deps.ledger.kpis.touches.values()]).toEqual([expect.objectContaining({ held: false, coupon: 'TEN', attributionWindowMs: 86_400_000 })]);
  });
});
