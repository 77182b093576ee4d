import { decideDelivery, type EligibilityInput } from '../../../../layers/core/messaging/decide-delivery';
import { CAP_WINDOW_MS } from '../../../../layers/core/messaging/delivery-policy';
import type { SendRecord } from '../../../../layers/core/messaging/ledger';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryPolicyFactory } from '../../../helpers/delivery-fakes';
import { intentFactory, profileFactory } from '../../../helpers/factories';

const NOW = new Date('2026-11-22T12:00:00.000Z'); // noon in London, 13:00 in Paris, 21:00 in Tokyo
const PHONE = '+447700900123';
const GRANTED = { granted: true, at: '2026-11-01T00:00:00.000Z', source: 'identify' };
const WITHDRAWN = { ...GRANTED, granted: false };

const campaign = campaignFactory({ id: 'comeback', channels: ['push', 'sms'], caps: { oncePerMs: 7 * 86_400_000 } });
const intent = intentFactory({ campaignId: 'comeback' });

const input = (overrides: Partial<EligibilityInput> = {}): EligibilityInput => ({
  intent,
  profile: profileFactory({ timeZone: 'Europe/London' }),
  campaign,
  sends: [],
  now: NOW,
  policy: deliveryPolicyFactory(),
  ...overrides,
});

let sendCounter = 0;
const sent = (overrides: Partial<SendRecord> = {}): SendRecord => ({
  messageId: `m-${++sendCounter}`,
  campaignId: 'other',
  channel: 'push',
  category: 'marketing',
  at: NOW.getTime() - 3_600_000,
  ...overrides,
});

describe('decideDelivery', () => {
  it('sends by push to the endpoint, judged in the user zone', () => {
    expect(decideDelivery(input())).toEqual({ kind: 'send', channel: 'push', address: expect.stringContaining(':endpoint/'), timeZone: 'Europe/London' });
  });

  describe('suppresses, with the first failing check as the reason', () => {
    it.each([
      ['no profile', { profile: undefined }, 'NO_PROFILE'],
      ['an unknown or deactivated campaign', { campaign: undefined }, 'CAMPAIGN_NOT_ACTIVE'],
      ['a user who left the audience', { campaign: { ...campaign, audience: { lifecycleStages: ['churn-risk' as const] } } }, 'NOT_IN_AUDIENCE'],
    ])('%s', (_case, overrides, reason) => {
      expect(decideDelivery(input(overrides))).toEqual({ kind: 'suppress', reason });
    });
  });

  describe('once per campaign window', () => {
    it('suppresses a second send of the campaign inside the window', () => {
      const sends = [sent({ campaignId: 'comeback', at: NOW.getTime() - 7 * 86_400_000 + 1 })];
      expect(decideDelivery(input({ sends }))).toEqual({ kind: 'suppress', reason: 'ONCE_PER_CAMPAIGN', detail: expect.stringMatching(/^last sent /) });
    });

    it('lets it through once the window has passed exactly', () => {
      const sends = [sent({ campaignId: 'comeback', at: NOW.getTime() - 7 * 86_400_000 })];
      expect(decideDelivery(input({ sends })).kind).toBe('send');
    });

    it('counts only its own campaign', () => {
      const sends = [sent({ campaignId: 'another-campaign', category: 'transactional' })];
      expect(decideDelivery(input({ sends })).kind).toBe('send');
    });
  });

  describe('channels, in the campaign order', () => {
    it.each([
      ['no consent', profileFactory({ timeZone: 'UTC', consent: {} }), 'NO_CONSENT'],
      ['withdrawn consent', profileFactory({ timeZone: 'UTC', consent: { push: WITHDRAWN } }), 'CONSENT_WITHDRAWN'],
      ['no endpoint', profileFactory({ timeZone: 'UTC', channels: {} }), 'NO_PUSH_ENDPOINT'],
    ])('suppresses push with %s, listing every channel reason', (_case, profile, reason) => {
      expect(decideDelivery(input({ profile }))).toEqual({ kind: 'suppress', reason, detail: expect.stringMatching(new RegExp(`^push:${reason} sms:`)) });
    });

    it('falls back to SMS when push is impossible, after asking the opt-out list', () => {
      // Prepare
      const profile = profileFactory({ timeZone: 'UTC', consent: { sms: GRANTED }, channels: { sms: { phoneNumber: PHONE, at: GRANTED.at } } });

      // Act
      const first = decideDelivery(input({ profile }));
      const then = decideDelivery(input({ profile, smsOptedOut: false }));

      // Assess
      expect(first).toEqual({ kind: 'check-sms-opt-out', phoneNumber: PHONE });
      expect(then).toEqual({ kind: 'send', channel: 'sms', address: PHONE, timeZone: 'UTC' });
    });

    it('suppresses an SMS to a number that opted out', () => {
      const profile = profileFactory({ timeZone: 'UTC', consent: { sms: GRANTED }, channels: { sms: { phoneNumber: PHONE, at: GRANTED.at } } });
      expect(decideDelivery(input({ profile, smsOptedOut: true }))).toEqual({ kind: 'suppress', reason: 'NO_CONSENT', detail: 'push:NO_CONSENT sms:SMS_OPTED_OUT' });
    });

    it('suppresses SMS without a number or consent', () => {
      const noNumber = profileFactory({ timeZone: 'UTC', consent: { sms: GRANTED }, channels: {} });
      expect(decideDelivery(input({ profile: noNumber }))).toMatchObject({ detail: 'push:NO_CONSENT sms:NO_PHONE_NUMBER' });
    });

    it('never falls back to SMS around a push cap ("SMS for important moments only")', () => {
      // Prepare: push possible but capped, SMS possible
      const profile = profileFactory({ timeZone: 'UTC', consent: { push: GRANTED, sms: GRANTED }, channels: { ...profileFactory().channels, sms: { phoneNumber: PHONE, at: GRANTED.at } } });
      const sends = [1, 2, 3].map((i) => sent({ campaignId: `c-${i}`, category: 'transactional', at: NOW.getTime() - i * 60_000 }));

      // Act & Assess
      expect(decideDelivery(input({ profile, sends }))).toEqual({ kind: 'suppress', reason: 'FREQUENCY_CAP_PUSH', detail: '3 of 3 in 24h' });
    });

    it('does not send on channels deliver cannot use', () => {
      expect(decideDelivery(input({ campaign: { ...campaign, channels: ['email'] } }))).toEqual({ kind: 'suppress', reason: 'CHANNEL_NOT_SUPPORTED', detail: 'email:CHANNEL_NOT_SUPPORTED' });
    });
  });

  describe('time zone and quiet hours', () => {
    it('defers to 08:00 in the user zone, whatever the server zone', () => {
      const tokyo = profileFactory({ timeZone: 'Asia/Tokyo' });
      expect(decideDelivery(input({ profile: tokyo, now: new Date('2026-11-22T12:59:59Z') })).kind).toBe('send'); // 21:59:59 JST
      expect(decideDelivery(input({ profile: tokyo, now: new Date('2026-11-22T13:00:00Z') }))).toEqual({
        kind: 'defer',
        reason: 'QUIET_HOURS',
        until: new Date('2026-11-22T23:00:00Z'), // 08:00 JST
        timeZone: 'Asia/Tokyo',
      });
    });

    it('honours configured quiet hours', () => {
      const policy = deliveryPolicyFactory({ quietHours: { startMinute: 11 * 60, endMinute: 13 * 60 } });
      expect(decideDelivery(input({ policy }))).toMatchObject({ kind: 'defer', until: new Date('2026-11-22T13:00:00Z') });
    });

    it.each([
      ['missing', undefined, 'no time zone'],
      ['not an IANA zone', 'GMT+25', 'invalid time zone'],
    ])('never messages a user whose zone is %s when no default is configured', (_case, timeZone, detail) => {
      const profile = profileFactory(timeZone ? { timeZone } : {});
      expect(decideDelivery(input({ profile }))).toEqual({ kind: 'suppress', reason: 'TIME_ZONE_UNKNOWN', detail });
    });

    it('uses DEFAULT_TIME_ZONE for a user whose zone is unknown', () => {
      const policy = deliveryPolicyFactory({ defaultTimeZone: 'America/New_York' });
      const profile = profileFactory();
      expect(decideDelivery(input({ profile, policy, now: new Date('2026-11-22T12:00:00Z') }))).toMatchObject({ kind: 'defer', until: new Date('2026-11-22T13:00:00Z') }); // 07:00 EST
      expect(decideDelivery(input({ profile, policy, now: new Date('2026-11-22T15:00:00Z') }))).toMatchObject({ kind: 'send', timeZone: 'America/New_York' });
    });
  });

  describe('frequency caps over exact rolling 24 h windows, across campaigns', () => {
    const transactional = { ...campaign, category: 'transactional' as const };

    it('allows the third push and refuses the fourth', () => {
      const two = [1, 2].map((i) => sent({ category: 'transactional', at: NOW.getTime() - i * 3_600_000 }));
      expect(decideDelivery(input({ campaign: transactional, sends: two })).kind).toBe('send');
      const three = [...two, sent({ category: 'transactional' })];
      expect(decideDelivery(input({ campaign: transactional, sends: three }))).toEqual({ kind: 'suppress', reason: 'FREQUENCY_CAP_PUSH', detail: '3 of 3 in 24h' });
    });

    it('stops counting a send exactly 24 h after it, not a millisecond before', () => {
      const atEdge = (offset: number) => [0, 1, 2].map((i) => sent({ category: 'transactional', at: NOW.getTime() - CAP_WINDOW_MS + offset + i }));
      expect(decideDelivery(input({ campaign: transactional, sends: atEdge(0) })).kind).toBe('send'); // the oldest is 24 h old: out
      expect(decideDelivery(input({ campaign: transactional, sends: atEdge(1) })).kind).toBe('suppress'); // all within
    });

    it('allows one marketing message a day, whatever the channel, but not transactional ones', () => {
      const marketingSms = [sent({ channel: 'sms', category: 'marketing' })];
      expect(decideDelivery(input({ sends: marketingSms }))).toEqual({ kind: 'suppress', reason: 'FREQUENCY_CAP_MARKETING', detail: '1 of 1 in 24h' });
      expect(decideDelivery(input({ campaign: transactional, sends: marketingSms })).kind).toBe('send');
      expect(decideDelivery(input({ sends: [sent({ category: 'transactional' })] })).kind).toBe('send');
    });

    it('allows one SMS a day', () => {
      const profile = profileFactory({ timeZone: 'UTC', consent: { sms: GRANTED }, channels: { sms: { phoneNumber: PHONE, at: GRANTED.at } } });
      const sends = [sent({ channel: 'sms', category: 'transactional' })];
      expect(decideDelivery(input({ profile, campaign: transactional, sends, smsOptedOut: false }))).toEqual({ kind: 'suppress', reason: 'FREQUENCY_CAP_SMS', detail: '1 of 1 in 24h' });
    });

    it('counts sends already scheduled a moment ahead (rate-limit slots)', () => {
      const ahead = [1, 2, 3].map((i) => sent({ category: 'transactional', at: NOW.getTime() + i * 10 }));
      expect(decideDelivery(input({ campaign: transactional, sends: ahead })).kind).toBe('suppress');
    });

    it('follows configured caps', () => {
      const policy = deliveryPolicyFactory({ caps: { push: 10, sms: 0, 'in-app': 3, marketing: 5 } });
      const sends = [1, 2, 3, 4].map((i) => sent({ at: NOW.getTime() - i * 60_000 }));
      expect(decideDelivery(input({ policy, sends })).kind).toBe('send');
    });
  });
});
