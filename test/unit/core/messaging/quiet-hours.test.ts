import fc from 'fast-check';
import { isKnownTimeZone, isQuietAt, localMinuteOfDay, nextAllowedAt, parseQuietHours, QuietHoursInvalidError } from '../../../../layers/core/messaging/quiet-hours';

const NIGHT = parseQuietHours('22:00-08:00');
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseQuietHours', () => {
  it('reads HH:MM-HH:MM as minutes of the day', () => {
    expect(parseQuietHours('22:00-08:00')).toEqual({ startMinute: 1320, endMinute: 480 });
    expect(parseQuietHours(' 13:05-14:45 ')).toEqual({ startMinute: 785, endMinute: 885 });
  });

  it.each(['22-08', '24:00-08:00', '22:00–08:00', '', '22:00-8:00'])('refuses %p, naming the expected shape', (value) => {
    expect(() => parseQuietHours(value)).toThrow(QuietHoursInvalidError);
    expect(() => parseQuietHours(value)).toThrow(/HH:MM-HH:MM/);
  });

  it('treats equal ends as no quiet hours', () => {
    expect(isQuietAt(at('2026-11-22T23:30:00Z'), 'UTC', parseQuietHours('00:00-00:00'))).toBe(false);
  });
});

describe('isQuietAt', () => {
  it.each([
    ['Europe/Paris', '2026-11-22T20:59:59Z', false], // 21:59:59 CET
    ['Europe/Paris', '2026-11-22T21:00:00Z', true], // 22:00 CET
    ['Europe/Paris', '2026-11-23T06:59:59Z', true], // 07:59:59 CET
    ['Europe/Paris', '2026-11-23T07:00:00Z', false], // 08:00 CET
    ['Europe/Paris', '2026-07-01T20:00:00Z', true], // 22:00 CEST
    ['America/New_York', '2026-11-23T02:59:00Z', false], // 21:59 EST
    ['America/New_York', '2026-11-23T03:00:00Z', true], // 22:00 EST
    ['Asia/Kolkata', '2026-11-22T16:29:00Z', false], // 21:59 IST (+05:30)
    ['Asia/Kolkata', '2026-11-22T16:30:00Z', true], // 22:00 IST
    ['Australia/Lord_Howe', '2026-11-22T11:00:00Z', true], // 22:00 +11:00 (30-minute daylight saving)
    ['Australia/Lord_Howe', '2026-11-22T10:59:00Z', false],
  ])('%s at %s → %p', (zone, instant, quiet) => {
    expect(isQuietAt(at(instant), zone, NIGHT)).toBe(quiet);
  });

  it('handles a window inside one day', () => {
    const lunch = parseQuietHours('12:00-13:30');
    expect(isQuietAt(at('2026-11-22T12:45:00Z'), 'UTC', lunch)).toBe(true);
    expect(isQuietAt(at('2026-11-22T13:30:00Z'), 'UTC', lunch)).toBe(false);
  });
});

describe('nextAllowedAt', () => {
  it('is the instant itself outside quiet hours', () => {
    expect(nextAllowedAt(at('2026-11-22T12:34:56.789Z'), 'Europe/Paris', NIGHT)).toBe(at('2026-11-22T12:34:56.789Z'));
  });

  it.each([
    ['before midnight', 'Europe/Paris', '2026-11-22T22:30:00Z', '2026-11-23T07:00:00Z'],
    ['after midnight', 'Europe/Paris', '2026-11-23T01:15:42.123Z', '2026-11-23T07:00:00Z'],
    ['a half-hour zone', 'Asia/Kolkata', '2026-11-22T17:00:00Z', '2026-11-23T02:30:00Z'],
    ['west of UTC', 'America/Los_Angeles', '2026-11-23T07:00:00Z', '2026-11-23T16:00:00Z'],
    // The clocks go forward in the night (01:00 GMT → 02:00 BST): 08:00 BST is 07:00Z.
    ['across spring forward', 'Europe/London', '2026-03-28T23:00:00Z', '2026-03-29T07:00:00Z'],
    // The clocks go back in the night (02:00 BST → 01:00 GMT): 08:00 GMT is 08:00Z.
    ['across fall back', 'Europe/London', '2026-10-24T22:00:00Z', '2026-10-25T08:00:00Z'],
    ['across US spring forward', 'America/New_York', '2026-03-08T04:00:00Z', '2026-03-08T12:00:00Z'],
    ['across a 30-minute change', 'Australia/Lord_Howe', '2026-10-03T12:00:00Z', '2026-10-03T21:00:00Z'],
  ])('defers %s to 08:00 local', (_case, zone, from, expected) => {
    // Act
    const next = nextAllowedAt(at(from), zone, NIGHT);

    // Assess
    expect(iso(next)).toBe(iso(at(expected)));
    expect(localMinuteOfDay(next, zone)).toBe(8 * 60);
  });

  it('lands on the first existing minute when the end of quiet hours falls in a clock change', () => {
    // 01:30 does not exist in London on 29 March 2026 (01:00 GMT jumps to 02:00 BST).
    const quiet = parseQuietHours('22:00-01:30');

    // Act
    const next = nextAllowedAt(at('2026-03-28T23:30:00Z'), 'Europe/London', quiet);

    // Assess: 02:00 BST, the first local minute after 01:30 that exists
    expect(iso(next)).toBe('2026-03-29T01:00:00.000Z');
    expect(isQuietAt(next - 60_000, 'Europe/London', quiet)).toBe(true);
  });

  it('is the first allowed minute, wherever and whenever (property)', () => {
    const zones = ['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Sao_Paulo', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Kiritimati', 'America/St_Johns'];
    const windows = ['22:00-08:00', '21:30-07:15', '00:00-06:00', '12:00-13:00', '23:59-00:01', '01:30-02:30'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.constantFrom(...windows), fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2028-12-31T00:00:00Z') }), (zone, window, from) => {
        const quiet = parseQuietHours(window);
        const next = nextAllowedAt(from, zone, quiet);
        expect(next).toBeGreaterThanOrEqual(from);
        expect(isQuietAt(next, zone, quiet)).toBe(false);
        if (next > from) {
          expect(next % 60_000).toBe(0);
          expect(isQuietAt(next - 60_000, zone, quiet)).toBe(true);
          expect(next - from).toBeLessThanOrEqual(26 * 3_600_000);
        }
      }),
      { seed: 20261122, numRuns: 3_000 },
    );
  });
});

describe('isKnownTimeZone', () => {
  it.each([['Europe/Paris', true], ['UTC', true], ['Mars/Base', false], ['', false], [undefined, false]])('%p → %p', (zone, known) => {
    expect(isKnownTimeZone(zone)).toBe(known);
  });
});
