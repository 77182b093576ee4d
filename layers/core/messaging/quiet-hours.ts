import { canonicalTimeZone } from '../time-zone';

/**
 * Quiet hours in a user's own time zone, daylight saving included. Pure: the IANA rules come from the
 * runtime's ICU data through `Intl`, which Node (and Lambda) ship in full.
 */

/** A daily window of local wall-clock minutes, `[start, end)`; it wraps past midnight when start > end. */
export interface QuietHours {
  /** Minute of the day (0–1439) quiet hours begin, e.g. 22:00 = 1320. */
  startMinute: number;
  /** Minute of the day (0–1439) they end (the first allowed minute), e.g. 08:00 = 480. */
  endMinute: number;
}

/** `QUIET_HOURS` is not `HH:MM-HH:MM`. */
export class QuietHoursInvalidError extends Error {
  override readonly name = 'QuietHoursInvalidError';
  constructor(readonly value: string) {
    super(`quiet hours must be "HH:MM-HH:MM" in 24-hour local time (e.g. "22:00-08:00"), got "${value}"`);
  }
}

export const DEFAULT_QUIET_HOURS = '22:00-08:00';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1_440;

/** Parses `"22:00-08:00"`. Equal ends (`"00:00-00:00"`) mean no quiet hours. */
export const parseQuietHours = (value: string): QuietHours => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  if (!match) throw new QuietHoursInvalidError(value);
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
};

const formatters = new Map<string, Intl.DateTimeFormat | null>();

const formatterFor = (zone: string): Intl.DateTimeFormat | null => {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null; // RangeError: not a zone this runtime knows
    }
    formatters.set(zone, formatter);
  }
  return formatter;
};

/** Whether `zone` is an IANA time zone the runtime knows (e.g. `Europe/Paris`; not `CET+1` or `Mars/Base`). */
export const isKnownTimeZone = (zone: string | undefined): zone is string => zone !== undefined && canonicalTimeZone(zone) !== undefined;

/**
 * The local wall-clock time at `instantMs` in `zone`, as milliseconds on a UTC-like axis (so
 * `new Date(wall).getUTCHours()` is the local hour). Throws a RangeError for an unknown zone.
 */
export const wallClockAt = (instantMs: number, zone: string): number => {
  const formatter = formatterFor(zone);
  if (!formatter) throw new RangeError(`unknown time zone: ${zone}`);
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const seconds = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  // Intl works in whole seconds; keep the instant's milliseconds.
  return seconds + (((instantMs % 1000) + 1000) % 1000);
};

/** Local minute of the day (0–1439) at `instantMs` in `zone`. */
export const localMinuteOfDay = (instantMs: number, zone: string): number => {
  const wall = new Date(wallClockAt(instantMs, zone));
  return wall.getUTCHours() * 60 + wall.getUTCMinutes();
};

const isQuietMinute = (minute: number, quiet: QuietHours): boolean => {
  const { startMinute: start, endMinute: end } = quiet;
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
};

/** Whether `instantMs` falls in quiet hours, local time in `zone`. */
export const isQuietAt = (instantMs: number, zone: string, quiet: QuietHours): boolean =>
  isQuietMinute(localMinuteOfDay(instantMs, zone), quiet);

/**
 * The first instant at or after `fromMs` that is outside quiet hours in `zone`: `fromMs` itself when it
 * already is, else the moment the local clock reads the end of quiet hours (to the minute). When that
 * local time does not exist that day (a daylight-saving gap), the first existing minute after it.
 */
export const nextAllowedAt = (fromMs: number, zone: string, quiet: QuietHours): number => {
  if (!isQuietAt(fromMs, zone, quiet)) return fromMs;
  const fromWall = wallClockAt(fromMs, zone);
  const minute = Math.floor(fromWall / MINUTE_MS) % DAY_MINUTES;
  const minutesToEnd = (quiet.endMinute - minute + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  const targetWall = Math.floor(fromWall / MINUTE_MS) * MINUTE_MS + minutesToEnd * MINUTE_MS;

  // wall = instant + offset(instant): solve for the instant, re-reading the offset once in case a
  // daylight-saving change lies between `from` and the target.
  const offsetAtFrom = fromWall - fromMs;
  const firstGuess = targetWall - offsetAtFrom;
  const secondGuess = targetWall - (wallClockAt(firstGuess, zone) - firstGuess);
  for (const candidate of [secondGuess, firstGuess].sort((a, b) => a - b)) {
    if (candidate > fromMs && wallClockAt(candidate, zone) === targetWall) return candidate;
  }
  // The target wall time falls in a gap: walk forward minute by minute from just before it. Rare (a
  // quiet-hours end inside a clock change), so simplicity beats cleverness here.
  let instant = Math.max(fromMs, Math.min(firstGuess, secondGuess) - 3 * 3_600_000);
  instant = Math.ceil(instant / MINUTE_MS) * MINUTE_MS;
  for (let i = 0; i < 2 * DAY_MINUTES; i++, instant += MINUTE_MS) {
    if (instant >= fromMs && !isQuietAt(instant, zone, quiet)) return instant;
  }
  throw new Error(`no allowed time within two days in ${zone}`);
};
