import { DEFAULT_IN_APP } from '../../../../layers/core/campaigns/campaign';
import { decideDelivery, type EligibilityInput } from '../../../../layers/core/messaging/decide-delivery';
import { deliverIntent } from '../../../../layers/core/messaging/deliver-intent';
import type { SendRecord } from '../../../../layers/core/messaging/ledger';
import { isInGlobalHoldout } from '../../../../layers/core/rollouts/bucketing';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryHarness, deliveryPolicyFactory } from '../../../helpers/delivery-fakes';
import { intentFactory, profileFactory } from '../../../helpers/factories';
import type { InMemoryInbox } from '../../../helpers/in-memory-inbox';

const NIGHT = '2026-11-22T23:30:00.000Z'; // quiet hours in London
const GRANTED = { granted: true, at: '2026-11-01T00:00:00.000Z', source: 'identify' };
const REFUSED = { ...GRANTED, granted: false };
const DAY_MS = 86_400_000;
const campaign = campaignFactory({
  id: 'cart-reminder',
  channels: ['push', 'in-app', 'sms'],
  content: [{ name: 'default', title: 'Still thinking?', body: 'Your cart misses you', recommendations: 0, deepLink: 'shop://cart' }],
  inApp: { slot: 'home-top', priority: 10, imageUrl: 'https://img.example.com/cart.png', expiresAfterMs: 3 * DAY_MS },
});
/** Signed in, no push consent (and no SMS): in-app is the only channel. */
const noPush = profileFactory({ timeZone: 'Europe/London', consent: {} });

const decide = (overrides: Partial<EligibilityInput> = {}) =>
  decideDelivery({ intent: intentFactory({ campaignId: campaign.id }), profile: noPush, campaign, sends: [], now: new Date(NIGHT), policy: deliveryPolicyFactory(), ...overrides });

describe('the in-app channel', () => {
  describe('decideDelivery', () => {
    it('falls back from push to in-app for a user without push consent: the inbox is addressed by the user id', () => {
      expect(decide()).toEqual({ kind: 'send', channel: 'in-app', address: 'user-1', timeZone: 'UTC' });
    });

    it('prefers push when push is possible', () => {
      expect(decide({ profile: profileFactory({ timeZone: 'Europe/London' }), now: new Date('2026-11-22T12:00:00.000Z') })).toMatchObject({ kind: 'send', channel: 'push' });
    });

    it('is not held by quiet hours: stored at night, seen when the app is next opened', () => {
      expect(decide({ now: new Date(NIGHT) })).toMatchObject({ kind: 'send', channel: 'in-app' });
    });

    it('needs no time zone, since quiet hours do not apply', () => {
      expect(decide({ profile: profileFactory({ consent: {} }) })).toMatchObject({ kind: 'send', channel: 'in-app' });
    });

    it('skips in-app for a user who refused it, and for an anonymous device (no inbox to fetch)', () => {
      expect(decide({ profile: profileFactory({ consent: { 'in-app': REFUSED } }) })).toEqual({ kind: 'suppress', reason: 'NO_CONSENT', detail: 'push:NO_CONSENT in-app:CONSENT_WITHDRAWN sms:NO_CONSENT' });
      expect(decide({ profile: profileFactory({ userId: 'anonymous:device-1', consent: {} }) })).toMatchObject({ kind: 'suppress', detail: expect.stringContaining('in-app:NO_INBOX') });
    });

    it('has its own rolling 24 h cap, and counts toward the marketing cap', () => {
      const inApp = (hoursAgo: number): SendRecord => ({ messageId: `m-${hoursAgo}`, campaignId: 'other', channel: 'in-app', category: 'transactional', at: Date.parse(NIGHT) - hoursAgo * 3_600_000 });
      const policy = deliveryPolicyFactory({ caps: { push: 3, sms: 1, 'in-app': 2, marketing: 5 } });
      expect(decide({ policy, sends: [inApp(1), inApp(2)] })).toEqual({ kind: 'suppress', reason: 'FREQUENCY_CAP_IN_APP', detail: '2 of 2 in 24h' });
      expect(decide({ policy, sends: [inApp(1), inApp(25)] })).toMatchObject({ kind: 'send', channel: 'in-app' });
      const marketing = deliveryPolicyFactory({ caps: { push: 3, sms: 1, 'in-app': 3, marketing: 1 } });
      expect(decide({ policy: marketing, sends: [{ ...inApp(1), category: 'marketing' }] })).toMatchObject({ reason: 'FREQUENCY_CAP_MARKETING' });
    });
  });

  describe('deliverIntent', () => {
    const setup = () => {
      const harness = deliveryHarness({ campaigns: [campaign], start: NIGHT });
      harness.deps.profiles.items.set('user-1', noPush);
      const deliver = (intent = intentFactory({ campaignId: campaign.id })) => harness.time.settle(deliverIntent(intent, harness.deps));
      return { ...harness, inbox: harness.deps.inbox as InMemoryInbox, deliver };
    };

    it('stores the message in the slot, once, with its expiry, and records the send like any other', async () => {
      // Prepare
      const { deliver, deps, inbox, provider } = setup();
      const intent = intentFactory({ campaignId: campaign.id });

      // Act
      const first = await deliver(intent);
      const again = await deliver(intent);

      // Assess
      expect(first).toMatchObject({ status: 'sent', channel: 'in-app', providerMessageId: expect.any(String), sendAt: new Date(NIGHT) });
      expect(again).toEqual({ status: 'duplicate' });
      expect(provider.delivered).toHaveLength(0);
      expect(inbox.of('user-1')).toEqual([
        {
          userId: 'user-1',
          messageId: intent.messageId,
          campaignId: 'cart-reminder',
          variant: 'default',
          slot: 'home-top',
          priority: 10,
          title: 'Still thinking?',
          body: 'Your cart misses you',
          imageUrl: 'https://img.example.com/cart.png',
          deepLink: 'shop://cart',
          receivedAt: NIGHT,
          expiresAt: new Date(Date.parse(NIGHT) + 3 * DAY_MS).toISOString(),
        },
      ]);
      expect(deps.ledger.get('user-1', intent.messageId)).toMatchObject({ status: 'sent', channel: 'in-app' });
      expect(deps.ledger.capsByUser.get('user-1')?.sends).toEqual([expect.objectContaining({ channel: 'in-app' })]);
    });

    it('takes no slot of the SNS rate limit', async () => {
      const { deliver, reserver } = setup();
      await deliver();
      expect(reserver.reservations).toBe(0);
    });

    it('gives the send back and retries when the inbox write fails', async () => {
      // Prepare
      const { deliver, deps, inbox } = setup();
      const put = inbox.put.bind(inbox);
      let failures = 1;
      inbox.put = async (message) => {
        if (failures-- > 0) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        return put(message);
      };
      const intent = intentFactory({ campaignId: campaign.id });

      // Act
      const failed = deliver(intent);
      await expect(failed).rejects.toThrow(/the send failed \(ProvisionedThroughputExceededException\)/);
      const retried = await deliver(intent);

      // Assess
      expect(retried).toMatchObject({ status: 'sent', channel: 'in-app' });
      expect(inbox.of('user-1')).toHaveLength(1);
      expect(deps.ledger.capsByUser.get('user-1')?.sends).toHaveLength(1);
    });

    it('holds out the global holdout like any channel, and gives in-app touches the message\'s life plus the window', async () => {
      // Prepare: half the users held out; one on each side
      const harness = deliveryHarness({ campaigns: [campaign], start: NIGHT, policy: { holdoutShare: 0.5 } });
      const [held, sent] = [true, false].map((side) => Array.from({ length: 50 }, (_, i) => `user-${i}`).find((id) => isInGlobalHoldout(id, 0.5) === side)!);
      for (const userId of [held!, sent!]) harness.deps.profiles.items.set(userId, { ...noPush, userId });

      // Act
      const results = await Promise.all([held!, sent!].map((userId) => harness.time.settle(deliverIntent(intentFactory({ userId, campaignId: campaign.id }), harness.deps))));

      // Assess
      expect(results.map((r) => r.status)).toEqual(['suppressed', 'sent']);
      expect(results[0]).toMatchObject({ reason: 'HOLDOUT', detail: 'would have been sent by in-app' });
      expect((harness.deps.inbox as InMemoryInbox).of(held!)).toEqual([]);
      const touches = [...harness.deps.ledger.kpis.touches.values()];
      expect(touches.map((t) => [t.held, t.channel, t.attributionWindowMs])).toEqual([
        [true, 'in-app', DAY_MS + 3 * DAY_MS],
        [false, 'in-app', DAY_MS + 3 * DAY_MS],
      ]);
    });

    it('uses the defaults for a campaign without inApp settings', async () => {
      const { deps, inbox, time } = setup();
      const plain = campaignFactory({ id: 'plain', channels: ['in-app'] });
      deps.campaigns = { active: async () => [plain] } as typeof deps.campaigns;
      await time.settle(deliverIntent(intentFactory({ campaignId: 'plain' }), deps));
      expect(inbox.of('user-1')).toEqual([expect.objectContaining({ slot: 'inbox', priority: 0, expiresAt: new Date(Date.parse(NIGHT) + DEFAULT_IN_APP.expiresAfterMs).toISOString() })]);
    });
  });
});
