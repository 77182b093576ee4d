import { deliverIntent, RATE_LIMIT_DEFER_FROM_RECEIVE } from '../../../../layers/core/messaging/deliver-intent';
import { DeliveryRateLimitedError } from '../../../../layers/core/messaging/errors';
import { InvalidIntentError, parseIntent } from '../../../../layers/core/messaging/parse-intent';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryHarness } from '../../../helpers/delivery-fakes';
import { intentFactory, profileFactory } from '../../../helpers/factories';

const NOON = '2026-11-22T12:00:00.000Z';
const PHONE = '+447700900123';
const GRANTED = { granted: true, at: '2026-11-01T00:00:00.000Z', source: 'identify' };
const campaign = campaignFactory({
  id: 'related-products-after-purchase',
  channels: ['push', 'sms'],
  content: [{ name: 'default', title: 'Picked for you', body: 'You may like {{product1}}', recommendations: 1 }],
});

const setup = (start = NOON) => {
  const harness = deliveryHarness({ campaigns: [campaign], start });
  harness.deps.profiles.items.set('user-1', profileFactory({ timeZone: 'Europe/London' }));
  const deliver = (intent = intentFactory(), receiveCount = 1) => harness.time.settle(deliverIntent(intent, harness.deps, { receiveCount }));
  return { ...harness, deliver };
};

describe('deliverIntent', () => {
  it('sends once, records the decision and the send in the caps, and announces it', async () => {
    // Prepare
    const { deliver, deps, provider } = setup();
    const intent = intentFactory();

    // Act
    const result = await deliver(intent);

    // Assess
    expect(result).toEqual({ status: 'sent', channel: 'push', variant: 'default', providerMessageId: 'provider-1', sendAt: new Date(NOON), announced: true });
    expect(provider.delivered).toHaveLength(1);
    expect(JSON.parse(provider.delivered[0]!.message).default).toBe('You may like P-2'); // p-1 was bought (intent context)
    expect(deps.ledger.get('user-1', intent.messageId)).toMatchObject({ status: 'sent', channel: 'push', variant: 'default', providerMessageId: 'provider-1', campaignId: campaign.id });
    expect(deps.ledger.capsByUser.get('user-1')).toEqual({ version: 1, sends: [{ messageId: intent.messageId, campaignId: campaign.id, channel: 'push', category: 'marketing', at: Date.parse(NOON) }] });
    expect(deps.deliveryEvents.published).toEqual([{ messageId: intent.messageId, outcome: { status: 'sent', providerMessageId: 'provider-1', channel: 'push', variant: 'default' } }]);
  });

  it('never sends a redelivered intent twice, one after the other or at the same time', async () => {
    // Prepare
    const { deliver, provider } = setup();
    const intent = intentFactory();

    // Act
    const together = await Promise.all([deliver(intent), deliver(intent), deliver(intent)]);
    const later = await deliver(intent);

    // Assess
    expect(together.map((r) => r.status).sort()).toEqual(['duplicate', 'duplicate', 'sent']);
    expect(later).toEqual({ status: 'duplicate' });
    expect(provider.delivered).toHaveLength(1);
  });

  it('sends an absorbed anonymous profile’s intent to its user, once, whichever id it names', async () => {
    // Prepare: a timer of the anonymous profile fired before it was moved, and again after
    const { deliver, deps, provider } = setup();
    deps.profiles.items.set('anonymous:device-1', { ...profileFactory({ userId: 'anonymous:device-1' }), mergedInto: 'user-1' });
    const intent = intentFactory({ userId: 'anonymous:device-1' });

    // Act
    const first = await deliver(intent);
    const moved = await deliver({ ...intent, userId: 'user-1' });

    // Assess
    expect(first).toMatchObject({ status: 'sent', channel: 'push' });
    expect(moved).toEqual({ status: 'duplicate' });
    expect(provider.delivered).toHaveLength(1);
    expect(deps.ledger.get('user-1', intent.messageId)).toMatchObject({ status: 'sent', userId: 'user-1' });
  });

  it('records a suppression with its reason and sends nothing', async () => {
    // Prepare
    const { deliver, deps, provider } = setup();
    deps.profiles.items.set('user-1', profileFactory({ timeZone: 'UTC', consent: {} }));

    // Act
    const result = await deliver();

    // Assess
    expect(result).toEqual({ status: 'suppressed', reason: 'NO_CONSENT', detail: 'push:NO_CONSENT sms:NO_CONSENT', announced: true });
    expect(provider.delivered).toHaveLength(0);
    expect(deps.ledger.get('user-1', intentFactory().messageId)).toMatchObject({ status: 'suppressed', reason: 'NO_CONSENT' });
    expect(await deliver()).toEqual({ status: 'duplicate' });
  });

  it('suppresses an intent of a campaign that was deactivated since it was triggered', async () => {
    const { deliver, deps } = setup();
    deps.campaigns.campaigns = [];
    expect(await deliver()).toMatchObject({ status: 'suppressed', reason: 'CAMPAIGN_NOT_ACTIVE' });
  });

  it('defers through a durable timer in quiet hours, then sends the same message id at 08:00 local', async () => {
    // Prepare: 23:00 in London
    const { deliver, deps, provider, time } = setup('2026-11-22T23:00:00.000Z');
    const intent = intentFactory();

    // Act
    const deferred = await deliver(intent);
    const timer = deps.timers.get('user-1', `defer#${intent.messageId}`);
    time.advance(Date.parse('2026-11-23T08:00:00.000Z') - time.nowMs);
    const sent = await deliver(timer!.intent);

    // Assess
    expect(deferred).toEqual({ status: 'deferred', reason: 'QUIET_HOURS', until: new Date('2026-11-23T08:00:00.000Z'), announced: true });
    expect(timer).toMatchObject({ userId: 'user-1', dueAt: '2026-11-23T08:00:00.000Z', armedAt: '2026-11-22T23:00:00.000Z', intent });
    expect(sent.status).toBe('sent');
    expect(provider.delivered.map((d) => d.at)).toEqual([Date.parse('2026-11-23T08:00:00.000Z')]);
    expect(deps.ledger.get('user-1', intent.messageId)).toMatchObject({
      status: 'sent',
      deferrals: [{ at: '2026-11-22T23:00:00.000Z', until: '2026-11-23T08:00:00.000Z', reason: 'QUIET_HOURS' }],
    });
  });

  it('defers when the rate-limit slot falls in quiet hours', async () => {
    // Prepare: 21:59:59.5 in London, and the push schedule is booked for the next second
    const { deliver, deps, reserver, provider } = setup('2026-11-22T21:59:59.500Z');
    reserver.tatUs.set('push', Date.parse('2026-11-22T22:00:00.200Z') * 1000);

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'deferred', reason: 'QUIET_HOURS', until: new Date('2026-11-23T08:00:00.000Z') });
    expect(provider.delivered).toHaveLength(0);
    expect(deps.ledger.capsByUser.get('user-1')).toBeUndefined();
  });

  describe('SMS', () => {
    const smsOnly = () => profileFactory({ timeZone: 'UTC', consent: { sms: GRANTED }, channels: { sms: { phoneNumber: PHONE, at: GRANTED.at } } });

    it.each([
      ['marketing', 'Promotional'],
      ['transactional', 'Transactional'],
    ] as const)('falls back to SMS for a %s campaign, typed %s', async (category, smsType) => {
      // Prepare
      const { deliver, deps, provider } = setup();
      deps.campaigns.campaigns = [{ ...campaign, category }];
      deps.profiles.items.set('user-1', smsOnly());

      // Act
      const result = await deliver();

      // Assess
      expect(result).toMatchObject({ status: 'sent', channel: 'sms' });
      expect(provider.delivered).toEqual([expect.objectContaining({ channel: 'sms', address: PHONE, message: 'Picked for you: You may like P-2', smsType })]);
      expect(provider.optOutChecks).toBe(1);
    });

    it('does not text a number on the opt-out list', async () => {
      const { deliver, deps, provider } = setup();
      deps.profiles.items.set('user-1', smsOnly());
      provider.optedOut.add(PHONE);
      expect(await deliver()).toMatchObject({ status: 'suppressed', reason: 'NO_CONSENT', detail: 'push:NO_CONSENT sms:SMS_OPTED_OUT' });
      expect(provider.delivered).toHaveLength(0);
    });

    it('never asks the opt-out list when push will do', async () => {
      const { deliver, provider } = setup();
      await deliver();
      expect(provider.optOutChecks).toBe(0);
    });
  });

  describe('when the provider fails', () => {
    it('gives a surely failed send back (decision and caps) and throws, so the retry can send', async () => {
      // Prepare
      const { deliver, deps, provider } = setup();
      let calls = 0;
      provider.answer = () => (++calls === 1 ? 'failed' : 'ok');
      const intent = intentFactory();

      // Act
      await expect(deliver(intent)).rejects.toThrow('Throttled');
      const afterFailure = { decision: { ...deps.ledger.get('user-1', intent.messageId) }, caps: deps.ledger.capsByUser.get('user-1') };
      const retry = await deliver(intent);

      // Assess
      expect(afterFailure.decision).toMatchObject({ status: 'failed', detail: 'Throttled' });
      expect(afterFailure.caps?.sends).toEqual([]);
      expect(retry.status).toBe('sent');
      expect(provider.delivered).toHaveLength(1);
      expect(deps.ledger.capsByUser.get('user-1')?.sends).toHaveLength(1);
    });

    it('turns a rejection for good into a suppression and frees the caps', async () => {
      // Prepare
      const { deliver, deps, provider } = setup();
      provider.answer = () => 'rejected';

      // Act
      const result = await deliver();

      // Assess
      expect(result).toMatchObject({ status: 'suppressed', reason: 'ENDPOINT_DISABLED', detail: 'EndpointDisabled' });
      expect(deps.ledger.capsByUser.get('user-1')?.sends).toEqual([]);
      expect(await deliver()).toEqual({ status: 'duplicate' });
    });

    it('keeps a send whose outcome is unknown counted and never retries it (at most once)', async () => {
      // Prepare
      const { deliver, deps, provider } = setup();
      provider.answer = () => 'unknown';

      // Act
      const result = await deliver();
      const redelivery = await deliver();

      // Assess
      expect(result).toMatchObject({ status: 'unconfirmed', channel: 'push' });
      expect(redelivery).toEqual({ status: 'duplicate' });
      expect(provider.delivered).toHaveLength(1);
      expect(deps.ledger.capsByUser.get('user-1')?.sends).toHaveLength(1);
    });

    it('keeps the decision when the outcome cannot be announced', async () => {
      const { deliver, deps } = setup();
      deps.deliveryEvents.publish = async () => {
        throw new Error('topic unavailable');
      };
      expect(await deliver()).toMatchObject({ status: 'sent', announced: false });
    });
  });

  describe('under the rate limit', () => {
    it('throws without writing anything when no slot is free within the wait bound', async () => {
      // Prepare
      const { deliver, deps, reserver, time } = setup();
      reserver.tatUs.set('push', (time.nowMs + 5_000) * 1000);

      // Act
      const failure = deliver().catch((error: unknown) => error);

      // Assess
      expect(await failure).toBeInstanceOf(DeliveryRateLimitedError);
      expect(await failure).toMatchObject({ channel: 'push', retryAfterMs: 5_000 });
      expect(deps.ledger.decisions.size).toBe(0);
    });

    it(`parks the intent on a timer from receive ${RATE_LIMIT_DEFER_FROM_RECEIVE} on, so it never ends in the DLQ`, async () => {
      // Prepare
      const { deliver, deps, reserver, time } = setup();
      reserver.tatUs.set('push', (time.nowMs + 5_000) * 1000);
      const intent = intentFactory();

      // Act
      const result = await deliver(intent, RATE_LIMIT_DEFER_FROM_RECEIVE);

      // Assess
      expect(result).toMatchObject({ status: 'deferred', reason: 'RATE_LIMITED' });
      const timer = deps.timers.get('user-1', `defer#${intent.messageId}`)!;
      expect(Date.parse(timer.dueAt) - time.nowMs).toBeGreaterThanOrEqual(60_000);
      expect(deps.ledger.get('user-1', intent.messageId)).toMatchObject({ status: 'deferred', reason: 'RATE_LIMITED' });
    });

    it('waits for its slot before publishing', async () => {
      // Prepare
      const { deliver, reserver, provider, time } = setup();
      reserver.tatUs.set('push', (time.nowMs + 1_500) * 1000);

      // Act
      await deliver();

      // Assess
      expect(provider.delivered[0]!.at).toBe(Date.parse(NOON) + 1_500);
    });
  });

  it('decides again when a concurrent send changed the user caps, and respects them', async () => {
    // Prepare: another campaign's marketing push lands between our read and our commit
    const { deliver, deps, provider } = setup();
    deps.ledger.beforeCommitSend = (decision) => {
      deps.ledger.beforeCommitSend = undefined;
      deps.ledger.capsByUser.set(decision.userId, {
        version: 1,
        sends: [{ messageId: 'other', campaignId: 'other', channel: 'push', category: 'marketing', at: Date.parse(NOON) - 1 }],
      });
    };

    // Act
    const result = await deliver();

    // Assess
    expect(result).toMatchObject({ status: 'suppressed', reason: 'FREQUENCY_CAP_MARKETING' });
    expect(provider.delivered).toHaveLength(0);
  });

  it('does not send content with an unfilled slot', async () => {
    const { deliver, deps } = setup();
    deps.recommender = { recommend: async () => [] };
    expect(await deliver()).toMatchObject({ status: 'suppressed', reason: 'CONTENT_INCOMPLETE', detail: 'variant default: no value for {{product1}}' });
  });
});

describe('parseIntent', () => {
  it('round-trips an intent', () => {
    expect(parseIntent(JSON.stringify(intentFactory()))).toEqual(intentFactory());
  });

  it.each([['not json', '{'], ['not an object', '42'], ['missing fields', '{"messageId":"m"}']])('rejects %s', (_case, body) => {
    expect(() => parseIntent(body)).toThrow(InvalidIntentError);
  });
});
