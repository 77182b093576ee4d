import { fanOutStartOf, FAN_OUT_LEAD_MS, occurrencesStartingIn, sendInstantOf, cronProblem } from '../../../../layers/core/broadcasts/occurrences';
import { broadcastIntent, LATE_GRACE_MS, planRecipients } from '../../../../layers/core/broadcasts/plan-recipients';
import { parseUserIdList } from '../../../../layers/core/segments/imported-segment';
import { messageIdFor } from '../../../../layers/core/messaging/intent';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { profileFactory } from '../../../helpers/factories';

const HOUR = 3_600_000;
const friday = campaignFactory({ id: 'friday-deals', trigger: { schedule: { cron: '0 10 * * FRI' } }, audience: { traits: { memberLevel: ['gold'] } } });

describe('broadcast occurrences', () => {
  it('reads a local wall time in each user’s zone, or in the schedule’s one zone', () => {
    expect(new Date(sendInstantOf({ at: '2026-12-24T10:00' }, '2026-12-24T10:00', 'Asia/Tokyo')).toISOString()).toBe('2026-12-24T01:00:00.000Z');
    expect(new Date(sendInstantOf({ at: '2026-12-24T10:00', timeZone: 'Europe/London' }, '2026-12-24T10:00', 'Asia/Tokyo')).toISOString()).toBe('2026-12-24T10:00:00.000Z');
  });

  it('starts a local-time fan-out before the first zone (UTC+14) reaches it, a one-zone fan-out before its instant', () => {
    expect(new Date(fanOutStartOf({ cron: '0 10 * * FRI' }, '2026-12-04T10:00')).toISOString()).toBe('2026-12-03T19:45:00.000Z');
    expect(fanOutStartOf({ at: '2026-12-24T10:00', timeZone: 'Europe/London' }, '2026-12-24T10:00')).toBe(Date.parse('2026-12-24T10:00:00.000Z') - FAN_OUT_LEAD_MS);
  });

  it('finds the occurrences whose fan-out starts in a window, each in exactly one of consecutive windows', () => {
    // Prepare
    const schedule = { cron: '0 10 * * FRI' };
    const from = Date.parse('2026-11-30T00:00:00.000Z');
    const windows = Array.from({ length: 6 * 24 * 12 }, (_, i) => from + i * 5 * 60_000);

    // Act
    const found = windows.flatMap((start) => occurrencesStartingIn(schedule, start, start + 5 * 60_000));

    // Assess
    expect(found).toEqual(['2026-12-04T10:00']);
    expect(occurrencesStartingIn({ at: '2026-12-24T10:00' }, Date.parse('2026-12-23T19:00:00Z'), Date.parse('2026-12-23T20:00:00Z'))).toEqual(['2026-12-24T10:00']);
  });

  it('tells a cron expression it cannot read', () => {
    expect(cronProblem('0 10 * * FRI')).toBeUndefined();
    expect(cronProblem('0 10 * *')).toMatch(/five fields/);
    expect(cronProblem('0 25 * * *')).toBeDefined();
  });
});

describe('planRecipients', () => {
  const now = new Date('2026-12-03T19:45:00.000Z');
  const run = (profiles: ReturnType<typeof profileFactory>[], members?: Set<string>) => planRecipients({ profiles, campaign: friday, occurrence: '2026-12-04T10:00', now, ...(members && { members }) });

  it('puts each member of the audience in the wave of their 10:00, and counts who is left out and why', () => {
    // Prepare
    const gold = { memberLevel: 'gold' };
    const profiles = [
      profileFactory({ userId: 'tokyo', timeZone: 'Asia/Tokyo', traits: gold }),
      profileFactory({ userId: 'paris', timeZone: 'Europe/Paris', traits: gold }),
      profileFactory({ userId: 'berlin', timeZone: 'Europe/Berlin', traits: gold }),
      profileFactory({ userId: 'silver', timeZone: 'Europe/Paris', traits: { memberLevel: 'silver' } }),
      profileFactory({ userId: 'zoneless', traits: gold }),
      { ...profileFactory({ userId: 'anonymous:d' }), mergedInto: 'paris' },
    ];

    // Act
    const plan = run(profiles);

    // Assess
    expect(plan.waves).toEqual({ '2026-12-04T01:00:00.000Z': ['tokyo'], '2026-12-04T09:00:00.000Z': ['paris', 'berlin'] });
    expect(plan.leftOut).toEqual({ notInAudience: 1, noTimeZone: 1, absorbed: 1 });
  });

  it('keeps to an imported segment’s members, and sends a late fan-out now within the grace, never later than that', () => {
    // Prepare
    const gold = { memberLevel: 'gold' };
    const late = new Date(Date.parse('2026-12-04T09:00:00.000Z') + LATE_GRACE_MS - 60_000);
    const tooLate = new Date(Date.parse('2026-12-04T09:00:00.000Z') + LATE_GRACE_MS + 60_000);
    const paris = profileFactory({ userId: 'paris', timeZone: 'Europe/Paris', traits: gold });

    // Act / Assess
    expect(run([paris, profileFactory({ userId: 'other', timeZone: 'Europe/Paris', traits: gold })], new Set(['paris'])).leftOut).toEqual({ notInSegment: 1 });
    expect(Object.keys(planRecipients({ profiles: [paris], campaign: friday, occurrence: '2026-12-04T10:00', now: late }).waves)).toEqual([new Date(Math.ceil(late.getTime() / 60_000) * 60_000).toISOString()]);
    expect(planRecipients({ profiles: [paris], campaign: friday, occurrence: '2026-12-04T10:00', now: tooLate }).leftOut).toEqual({ late: 1 });
  });

  it('gives each user one message id per occurrence, held until the send time', () => {
    const intent = broadcastIntent(friday, 'paris', '2026-12-04T10:00', '2026-12-04T09:00:00.000Z');
    expect(intent).toMatchObject({ messageId: messageIdFor({ userId: 'paris', campaignId: 'friday-deals', occurrence: 'broadcast:2026-12-04T10:00' }), notBefore: '2026-12-04T09:00:00.000Z', channel: 'push' });
  });
});

describe('parseUserIdList', () => {
  it('reads the first column under an optional header, once per id, and names the rows it refuses', () => {
    const list = parseUserIdList(`userId,name\nu-1,Ann\n\n"u,2",Bob\nu-1\n${'x'.repeat(129)}\n`);
    expect(list.userIds).toEqual(['u-1', 'u,2']);
    expect(list.errors).toEqual([{ line: 6, message: 'is longer than 128 characters' }]);
  });
});
