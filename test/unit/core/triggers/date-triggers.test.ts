import { dateOccurrences, dateTimersFor, instantOfLocal } from '../../../../layers/core/triggers/date-triggers';
import { messageIdFor } from '../../../../layers/core/messaging/intent';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { profileFactory } from '../../../helpers/factories';

const DAY = 86_400_000;
const birthday = campaignFactory({ id: 'birthday', trigger: { date: { trait: 'birthday', every: 'year', at: '09:00' } } });
const expiry = campaignFactory({ id: 'membership-expiry', channels: ['sms'], trigger: { date: { trait: 'membershipExpiresAt', offsetDays: -7, at: '10:00' } } });

describe('instantOfLocal', () => {
  it('finds the instant a zone’s wall clock shows a time, across daylight saving', () => {
    expect(new Date(instantOfLocal('2026-12-24', '09:00', 'Europe/London')).toISOString()).toBe('2026-12-24T09:00:00.000Z');
    expect(new Date(instantOfLocal('2026-07-01', '09:00', 'Europe/London')).toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(new Date(instantOfLocal('2026-12-24', '09:00', 'Asia/Tokyo')).toISOString()).toBe('2026-12-24T00:00:00.000Z');
    expect(new Date(instantOfLocal('2026-03-08', '09:00', 'America/New_York')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
  });
});

describe('dateOccurrences', () => {
  const from = Date.parse('2026-12-03T02:00:00.000Z');

  it('falls on the anniversary every year, at the local time, within the horizon only', () => {
    // Act
    const soon = dateOccurrences({ trait: 'birthday', every: 'year', at: '09:00' }, '1990-12-04', 'Europe/Paris', from, 2 * DAY);
    const later = dateOccurrences({ trait: 'birthday', every: 'year', at: '09:00' }, '1990-12-06', 'Europe/Paris', from, 2 * DAY);

    // Assess
    expect(soon).toEqual([{ date: '2026-12-04', dueMs: Date.parse('2026-12-04T08:00:00.000Z') }]);
    expect(later).toEqual([]);
  });

  it('applies the offset in days, once for a trigger without `every`, and reads the date of a date-time', () => {
    expect(dateOccurrences({ trait: 'x', offsetDays: -7, at: '10:00' }, '2026-12-11T23:59:00Z', 'UTC', from, 2 * DAY)).toEqual([{ date: '2026-12-04', dueMs: Date.parse('2026-12-04T10:00:00.000Z') }]);
    expect(dateOccurrences({ trait: 'x', offsetDays: -7, at: '10:00' }, '2025-12-11', 'UTC', from, 2 * DAY)).toEqual([]);
  });

  it('puts 29 February on 28 February in other years, and ignores what is not a date', () => {
    const feb = Date.parse('2027-02-27T02:00:00.000Z');
    expect(dateOccurrences({ trait: 'birthday', every: 'year', at: '09:00' }, '2000-02-29', 'UTC', feb, 2 * DAY).map((o) => o.date)).toEqual(['2027-02-28']);
    for (const value of ['soon', 19900101, undefined, '12/04/1990']) expect(dateOccurrences({ trait: 'b', every: 'year', at: '09:00' }, value, 'UTC', from, 2 * DAY)).toEqual([]);
  });
});

describe('dateTimersFor', () => {
  const now = new Date('2026-12-03T02:00:00.000Z');

  it('arms one timer per occurrence, keyed and identified by it, in the user’s zone, the default zone, or UTC', () => {
    // Prepare
    const profile = profileFactory({ userId: 'ana', timeZone: 'Asia/Tokyo', traits: { birthday: '1990-12-04', membershipExpiresAt: '2026-12-11' } });

    // Act
    const timers = dateTimersFor({ profile, campaigns: [birthday, expiry], now });
    const zoneless = dateTimersFor({ profile: { ...profile, timeZone: undefined }, campaigns: [birthday], now, defaultTimeZone: 'America/New_York' });

    // Assess
    expect(timers).toEqual([
      expect.objectContaining({
        userId: 'ana',
        key: 'birthday#2026-12-04',
        armId: 'date:birthday:2026-12-04',
        dueAt: '2026-12-04T00:00:00.000Z',
        intent: expect.objectContaining({ campaignId: 'birthday', channel: 'push', messageId: messageIdFor({ userId: 'ana', campaignId: 'birthday', occurrence: 'date:birthday:2026-12-04' }) }),
      }),
      expect.objectContaining({ key: 'membership-expiry#2026-12-04', dueAt: '2026-12-04T01:00:00.000Z', intent: expect.objectContaining({ channel: 'sms' }) }),
    ]);
    expect(zoneless.map((t) => t.dueAt)).toEqual(['2026-12-04T14:00:00.000Z']);
  });

  it('arms the same timer on consecutive nights, and nothing for users outside the audience or absorbed', () => {
    // Prepare
    const profile = profileFactory({ userId: 'ana', traits: { birthday: '1990-12-04' }, timeZone: 'UTC' });
    const goldOnly = { ...birthday, audience: { traits: { memberLevel: ['gold'] } } };

    // Act
    const first = dateTimersFor({ profile, campaigns: [birthday], now });
    const second = dateTimersFor({ profile, campaigns: [birthday], now: new Date(now.getTime() + DAY) });

    // Assess
    expect(second).toEqual(first);
    expect(dateTimersFor({ profile, campaigns: [goldOnly], now })).toEqual([]);
    expect(dateTimersFor({ profile: { ...profile, mergedInto: 'someone' }, campaigns: [birthday], now })).toEqual([]);
  });
});
