/**
 * A zone name, not an offset: Node 22+ also accepts "+01:00" (and ICU "GMT+1"-style ids resolve to
 * offsets) as a time zone, but an offset follows no daylight saving time and EventBridge Scheduler
 * refuses it. Names only, of the characters the IANA database uses.
 */
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** The longest IANA zone name is 32 characters (`America/Argentina/ComodRivadavia`); room to spare. */
const MAX_TIME_ZONE_LENGTH = 64;

/**
 * The canonical name (`utc` → `UTC`, `US/Eastern` → `America/New_York`) of an IANA time zone that this
 * runtime's time zone database (ICU, shipped with Node) knows, or `undefined` for anything else: an
 * unknown name (`Mars/Olympus`), an offset, an empty or overlong string. The one test of "is this a time
 * zone" for the event contract, deliver's quiet hours and the deployment's schedules.
 */
export const canonicalTimeZone = (name: string): string | undefined => {
  if (name.length > MAX_TIME_ZONE_LENGTH || !TIME_ZONE_NAME.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined; // RangeError: not a zone this runtime knows
  }
};
