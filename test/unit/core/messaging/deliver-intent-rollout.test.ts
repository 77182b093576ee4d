import type { RolloutPlan } from '../../../../layers/core/campaigns/campaign';
import { DEFAULT_ROLLOUT } from '../../../../layers/core/campaigns/parse-campaign';
import { deliverIntent } from '../../../../layers/core/messaging/deliver-intent';
import { assignArm } from '../../../../layers/core/rollouts/bucketing';
import type { RolloutState } from '../../../../layers/core/rollouts/rollout-state';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryHarness } from '../../../helpers/delivery-fakes';
import { intentFactory, profileFactory } from '../../../helpers/factories';

const NOON = '2026-11-22T12:00:00.000Z';
const plan: RolloutPlan = {
  ...DEFAULT_ROLLOUT,
  variants: [
    { name: 'plain', weight: 1 },
    { name: 'bold', weight: 1, title: 'LAST CHANCE', imageUrl: 'https://cdn.example.com/sale.png' },
    { name: 'later', weight: 1, delayMs: 6 * 3_600_000 },
  ],
};
const campaign = campaignFactory({ id: 'rolled-out', content: [{ name: 'default', title: 'Sale', body: 'Everything 10% off', recommendations: 0 }], rollout: plan });

/** The first user id of the form `u<n>` that `pick` accepts at `percent`. */
const userWhere = (percent: number, pick: (arm: ReturnType<typeof assignArm>) => boolean) => {
  for (let n = 0; ; n++) if (pick(assignArm(`u${n}`, campaign.id, percent, plan))) return `u${n}`;
};

const state = (exposurePercent: number): RolloutState => ({
  campaignId: campaign.id,
  runId: 'run-1',
  status: 'running',
  stageIndex: 0,
  exposurePercent,
  stages: plan.stages,
  startedAt: NOON,
  updatedAt: NOON,
  extensions: 0,
  pValues: {},
  looks: [],
  version: 1,
});

const setup = (userId: string, exposurePercent?: number) => {
  const harness = deliveryHarness({ campaigns: [campaign], start: NOON });
  harness.deps.profiles.items.set(userId, profileFactory({ userId, timeZone: 'Europe/London' }));
  if (exposurePercent !== undefined) harness.deps.rollouts.states.set(campaign.id, state(exposurePercent));
  const intent = intentFactory({ userId, campaignId: campaign.id });
  return { ...harness, intent, deliver: () => harness.time.settle(deliverIntent(intent, harness.deps)) };
};

describe('deliverIntent with a rollout', () => {
  it('messages nobody before the rollout starts', async () => {
    // Prepare
    const { deliver, provider } = setup(userWhere(100, (a) => a.arm === 'treatment'));

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'suppressed', reason: 'NOT_IN_ROLLOUT', detail: 'rollout not started' });
    expect(provider.delivered).toHaveLength(0);
  });

  it('suppresses a user outside the current exposure, recording no exposure', async () => {
    // Prepare
    const user = userWhere(5, (a) => a.arm === 'unexposed');
    const { deliver, deps } = setup(user, 5);

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'suppressed', reason: 'NOT_IN_ROLLOUT', detail: 'exposure 5%' });
    expect(deps.exposures.exposures.size).toBe(0);
  });

  it('holds a control user out, recorded as would-have-been-sent and exposed in the control arm', async () => {
    // Prepare
    const user = userWhere(5, (a) => a.arm === 'control');
    const { deliver, deps, provider, intent } = setup(user, 5);

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'suppressed', reason: 'CONTROL_GROUP', detail: 'would have been sent by push (run run-1)' });
    expect(provider.delivered).toHaveLength(0);
    expect(deps.ledger.capsByUser.get(user)).toBeUndefined();
    expect(await deps.exposures.exposuresOf(user)).toEqual([expect.objectContaining({ arm: 'control', runId: 'run-1', exposedAt: NOON, messageIds: [intent.messageId] })]);
    expect((await deps.rollouts.counts(campaign.id, 'run-1')).control.exposed).toBe(1);
  });

  it('sends a treatment user their A/B variant’s content, exposed in that variant', async () => {
    // Prepare
    const user = userWhere(5, (a) => a.arm === 'treatment' && a.variant === 'bold');
    const { deliver, deps, provider, intent } = setup(user, 5);

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'sent' });
    const message = JSON.parse(provider.delivered[0]!.message) as { GCM: string };
    const fcm = JSON.parse(message.GCM).fcmV1Message.message;
    expect(fcm.notification).toEqual({ title: 'LAST CHANCE', body: 'Everything 10% off', image: 'https://cdn.example.com/sale.png' });
    expect(deps.ledger.get(user, intent.messageId)).toMatchObject({ status: 'sent', experimentVariant: 'bold' });
    expect((await deps.rollouts.counts(campaign.id, 'run-1')).variants.bold).toEqual({ exposed: 1, converted: 0, clicked: 0 });
  });

  it('defers a send-time variant to its delay after the trigger, then sends it', async () => {
    // Prepare
    const user = userWhere(5, (a) => a.arm === 'treatment' && a.variant === 'later');
    const { deliver, deps, provider, intent, time } = setup(user, 5);
    const due = new Date(Date.parse(intent.triggeredAt) + 6 * 3_600_000);

    // Act
    const first = await deliver();
    time.advance(due.getTime() - Date.parse(NOON));
    const second = await deliver();

    // Assess
    expect(first).toMatchObject({ status: 'deferred', reason: 'VARIANT_SEND_TIME', until: due });
    expect([...deps.timers.items.values()].map((t) => t.dueAt)).toContain(due.toISOString());
    expect(second).toMatchObject({ status: 'sent' });
    expect(provider.delivered).toHaveLength(1);
    expect((await deps.rollouts.counts(campaign.id, 'run-1')).variants.later!.exposed).toBe(1);
  });

  it('messages nobody new after a rollback (exposure 0)', async () => {
    // Prepare
    const { deliver, provider } = setup(userWhere(5, (a) => a.arm === 'treatment'), 0);

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'suppressed', reason: 'NOT_IN_ROLLOUT', detail: 'exposure 0%' });
    expect(provider.delivered).toHaveLength(0);
  });
});
