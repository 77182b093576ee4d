import { MAX_ALIASES, mergeProfiles, tombstoneOf } from '../../../../layers/core/identity/merge-profiles';
import { linkedAnonymousKeys } from '../../../../layers/core/identity/identity-links';
import { mergeTriggerStates } from '../../../../layers/core/identity/merge-trigger-states';
import { emptyProfile, type Profile } from '../../../../layers/core/profile/profile';
import { rememberInsertIds, seenFingerprints, fingerprintOf, RECENT_INSERT_IDS_LIMIT } from '../../../../layers/core/profile/seen-insert-ids';
import { MAX_MARKS_PER_CAMPAIGN } from '../../../../layers/core/triggers/trigger-state';
import { ingestedEventFactory } from '../../../helpers/factories';

const profile = (userId: string, overrides: Partial<Profile> = {}): Profile => ({ ...emptyProfile(userId), ...overrides });
const t = (hour: number) => `2026-11-20T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('mergeProfiles', () => {
  it('adds up behaviour and takes the extreme of times', () => {
    // Prepare
    const user = profile('alice', { counters: { login: 1, purchase: 1 }, activityDays: { '2026-11-20': 2 }, categoryScores: { kitchen: 5 }, spend: { GBP: 10.1 }, platforms: { ios: 2 }, firstSeenAt: t(10), lastSeenAt: t(12), lastPurchaseAt: t(11) });
    const anonymous = profile('anonymous:d-1', { counters: { product_view: 3 }, activityDays: { '2026-11-20': 3, '2026-11-19': 1 }, categoryScores: { kitchen: 3, garden: 1 }, spend: { GBP: 0.2 }, platforms: { ios: 3 }, firstSeenAt: t(8), lastSeenAt: t(9) });
    anonymous.hoursUtc[8] = 3;

    // Act
    const merged = mergeProfiles(user, anonymous);

    // Assess
    expect(merged).toMatchObject({
      userId: 'alice',
      counters: { login: 1, purchase: 1, product_view: 3 },
      activityDays: { '2026-11-20': 5, '2026-11-19': 1 },
      categoryScores: { kitchen: 8, garden: 1 },
      spend: { GBP: 10.3 },
      platforms: { ios: 5 },
      firstSeenAt: t(8),
      lastSeenAt: t(12),
      lastPurchaseAt: t(11),
      aliases: ['anonymous:d-1'],
    });
    expect(merged.hoursUtc[8]).toBe(3);
  });

  it('keeps the user’s traits and time zone, filling only what the user lacks', () => {
    // Prepare
    const user = profile('alice', { traits: { region: 'EU', firstName: 'Alice' } });
    const anonymous = profile('anonymous:d-1', { traits: { region: 'US', referrer: 'ad-7' }, timeZone: 'America/New_York' });

    // Act
    const merged = mergeProfiles(user, anonymous);

    // Assess
    expect(merged.traits).toEqual({ region: 'EU', firstName: 'Alice', referrer: 'ad-7' });
    expect(merged.timeZone).toBe('America/New_York');
    expect(mergeProfiles({ ...user, timeZone: 'Europe/Paris' }, anonymous).timeZone).toBe('Europe/Paris');
  });

  it('takes the latest consent statement per purpose and the latest address, the user’s on a tie', () => {
    // Prepare
    const user = profile('alice', {
      consent: { push: { granted: true, at: t(10), source: 'identify' }, tracking: { granted: true, at: t(9), source: 'settings' } },
      channels: { push: { endpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/new', at: t(10) } },
    });
    const anonymous = profile('anonymous:d-1', {
      consent: { tracking: { granted: false, at: t(11), source: 'consent-banner' }, sms: { granted: true, at: t(1), source: 'consent-banner' }, push: { granted: false, at: t(10), source: 'settings' } },
    });

    // Act
    const merged = mergeProfiles(user, anonymous);

    // Assess
    expect(merged.consent).toEqual({
      push: { granted: true, at: t(10), source: 'identify' },
      tracking: { granted: false, at: t(11), source: 'consent-banner' },
      sms: { granted: true, at: t(1), source: 'consent-banner' },
    });
    expect(merged.channels).toEqual(user.channels);
  });

  it('keeps both deduplication windows whole, and both outboxes', () => {
    // Prepare
    const userIds = Array.from({ length: RECENT_INSERT_IDS_LIMIT }, (_, i) => `user-event-${i}`);
    const anonymousIds = ['anon-event-1', 'anon-event-2'];
    const user = profile('alice', { seenInsertIds: rememberInsertIds(new Uint8Array(0), userIds), outbox: [{ messageId: 'm-user' } as never] });
    const anonymous = profile('anonymous:d-1', { seenInsertIds: rememberInsertIds(new Uint8Array(0), anonymousIds), timerOutbox: [{ op: 'cancel', userId: 'anonymous:d-1', key: 'k', at: t(1) }] });

    // Act
    const merged = mergeProfiles(user, anonymous);

    // Assess
    const seen = seenFingerprints(merged.seenInsertIds);
    expect([...userIds, ...anonymousIds].every((id) => seen.has(fingerprintOf(id)))).toBe(true);
    expect(merged.outbox).toEqual(user.outbox);
    expect(merged.timerOutbox).toEqual(anonymous.timerOutbox);
  });

  it('remembers at most the newest aliases', () => {
    // Prepare
    const user = profile('alice', { aliases: Array.from({ length: MAX_ALIASES }, (_, i) => `anonymous:old-${i}`) });

    // Act
    const merged = mergeProfiles(user, profile('anonymous:new'));

    // Assess
    expect(merged.aliases).toHaveLength(MAX_ALIASES);
    expect(merged.aliases?.at(-1)).toBe('anonymous:new');
    expect(merged.aliases).not.toContain('anonymous:old-0');
  });
});

describe('tombstoneOf', () => {
  it('keeps nothing of the anonymous profile but where its events go', () => {
    // Act
    const tombstone = tombstoneOf({ userId: 'anonymous:d-1', version: 4 }, 'alice', new Date(t(12)));

    // Assess
    expect(tombstone).toMatchObject({ userId: 'anonymous:d-1', version: 5, mergedInto: 'alice', mergedAt: t(12), counters: {}, traits: {}, consent: {} });
  });
});

describe('mergeTriggerStates', () => {
  it('unites the marks of both, once per insertId and oldest first, keeping counts past the last firing only', () => {
    // Prepare
    const mark = (insertId: string, hour: number) => ({ value: 'P-1', at: t(hour), insertId });
    const a = { counts: { c: { events: [{ at: t(5), insertId: 'e5' }], firedThrough: { at: t(4), insertId: 'e4' } } }, timers: { v: { starts: [mark('s2', 2)], completions: [] } } };
    const b = { counts: { c: { events: [{ at: t(3), insertId: 'e3' }, { at: t(6), insertId: 'e6' }] } }, timers: { v: { starts: [mark('s1', 1), mark('s2', 2)], completions: [mark('c1', 3)] }, w: { starts: [], completions: [] } } };

    // Act
    const merged = mergeTriggerStates(a, b);

    // Assess
    expect(merged.counts.c).toEqual({ events: [{ at: t(5), insertId: 'e5' }, { at: t(6), insertId: 'e6' }], firedThrough: { at: t(4), insertId: 'e4' } });
    expect(merged.timers.v).toEqual({ starts: [mark('s1', 1), mark('s2', 2)], completions: [mark('c1', 3)] });
    expect(merged.timers.w).toEqual({ starts: [], completions: [] });
  });

  it('bounds the starts as one state does, moving droppedThrough past those it leaves out', () => {
    // Prepare
    const starts = (prefix: string, from: number) => Array.from({ length: MAX_MARKS_PER_CAMPAIGN }, (_, i) => ({ value: '-', at: new Date(Date.parse(t(0)) + (from + i) * 60_000).toISOString(), insertId: `${prefix}-${i}` }));

    // Act
    const merged = mergeTriggerStates({ counts: {}, timers: { v: { starts: starts('a', 0), completions: [] } } }, { counts: {}, timers: { v: { starts: starts('b', 100), completions: [] } } });

    // Assess
    expect(merged.timers.v?.starts).toEqual(starts('b', 100));
    expect(merged.timers.v?.droppedThrough).toBe(starts('a', 0).at(-1)?.at);
  });
});

describe('linkedAnonymousKeys', () => {
  it('links the anonymous id of an identify or login that carries both ids, once, unless absorbed already', () => {
    // Prepare
    const events = [
      ingestedEventFactory({ type: 'identify', userId: 'alice', anonymousId: 'd-1' }),
      ingestedEventFactory({ type: 'login', userId: 'alice', anonymousId: 'd-1' }),
      ingestedEventFactory({ type: 'login', userId: 'alice', anonymousId: 'd-2' }),
      ingestedEventFactory({ type: 'product_view', userId: 'alice', anonymousId: 'd-3' }),
    ];

    // Act / Assess
    expect(linkedAnonymousKeys({ userId: 'alice' }, events)).toEqual(['anonymous:d-1', 'anonymous:d-2']);
    expect(linkedAnonymousKeys({ userId: 'alice', aliases: ['anonymous:d-1'] }, events)).toEqual(['anonymous:d-2']);
  });
});
