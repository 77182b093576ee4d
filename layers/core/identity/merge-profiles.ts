import type { ConsentPurpose } from '../contract/pipeline-event';
import { pruneDays } from '../profile/activity';
import { ACTIVITY_DAYS_KEPT, withDefaults, type Profile } from '../profile/profile';
import { SEEN_INSERT_IDS_MAX_BYTES } from '../profile/seen-insert-ids';
import { mergeTriggerStates } from './merge-trigger-states';
import { latestPurchaseByCategory, mergeCustomEvents } from '../profile/custom-events';

/** Anonymous ids a user profile remembers having absorbed (the newest); enough for every device of a real user. */
export const MAX_ALIASES = 20;

/**
 * The user's profile with an anonymous profile folded in: what the shopper did before logging in becomes
 * the user's history. Pure and symmetric where the data allows, so the result does not depend on which
 * profile was written first. The rules (docs/profiles.md, "Identity"):
 * - behaviour adds up: counters, activity days and hours, platforms, category interest, spend, custom
 *   events' counts per day (their latest values: the latest event's);
 * - times take the extreme: first seen the earliest, last seen and last purchase the latest;
 * - consent and contact addresses: the latest statement wins per purpose (by client time), the user's on a tie;
 * - traits and time zone: the user's win; the anonymous profile only fills what the user lacks
 *   (a logged-in identity is what the app knows for certain);
 * - trigger state: both sets of marks, so a timer the anonymous browse armed is cancelled by the user's
 *   add to cart; the timers themselves are moved by a `move` timer command;
 * - deduplication: both windows of insertIds, whole (up to twice one window, until the user's next
 *   fold trims it), so a replay of either side's last batch finds its events folded;
 * - outboxes: both, so nothing the anonymous profile had yet to flush is lost.
 * Derived fields (tags, lifecycle, RFM) are derived again by the caller.
 */
export const mergeProfiles = (user: Profile, anonymous: Profile): Profile => {
  const into = withDefaults(structuredClone(user));
  const from = withDefaults(anonymous);
  into.counters = addCounts(into.counters, from.counters);
  into.activityDays = pruneDays(addCounts(into.activityDays, from.activityDays), ACTIVITY_DAYS_KEPT);
  into.hoursUtc = into.hoursUtc.map((count, hour) => count + (from.hoursUtc[hour] ?? 0));
  into.platforms = addCounts(into.platforms, from.platforms);
  into.categoryScores = addCounts(into.categoryScores, from.categoryScores);
  into.spend = Object.fromEntries(Object.entries(addCounts(into.spend, from.spend)).map(([currency, amount]) => [currency, Math.round(amount * 100) / 100]));
  into.firstSeenAt = extreme(into.firstSeenAt, from.firstSeenAt, Math.min);
  into.lastSeenAt = extreme(into.lastSeenAt, from.lastSeenAt, Math.max);
  into.lastPurchaseAt = extreme(into.lastPurchaseAt, from.lastPurchaseAt, Math.max);
  into.traits = { ...from.traits, ...into.traits };
  into.timeZone = into.timeZone ?? from.timeZone;
  for (const purpose of Object.keys(from.consent) as ConsentPurpose[]) {
    into.consent[purpose] = latestOf(into.consent[purpose], from.consent[purpose]);
  }
  into.channels = { push: latestOf(into.channels.push, from.channels.push), sms: latestOf(into.channels.sms, from.channels.sms) };
  if (!into.channels.push) delete into.channels.push;
  if (!into.channels.sms) delete into.channels.sms;
  if (into.customEvents || from.customEvents) into.customEvents = mergeCustomEvents(into.customEvents, from.customEvents);
  if (from.lastPurchaseByCategory) {
    for (const [category, at] of Object.entries(from.lastPurchaseByCategory)) into.lastPurchaseByCategory = latestPurchaseByCategory(into.lastPurchaseByCategory, [category], at);
  }
  into.triggers = mergeTriggerStates(into.triggers, from.triggers);
  into.seenInsertIds = joinWindows(from.seenInsertIds, into.seenInsertIds);
  into.outbox = [...from.outbox, ...into.outbox];
  into.timerOutbox = [...from.timerOutbox, ...into.timerOutbox];
  into.aliases = [...(into.aliases ?? []).filter((alias) => alias !== from.userId), from.userId].slice(-MAX_ALIASES);
  return into;
};

/** The item an absorbed profile leaves behind: no data, only where its events go from now on. */
export const tombstoneOf = (anonymous: Pick<Profile, 'userId' | 'version'>, userId: string, at: Date): Profile => ({
  ...withDefaults({ userId: anonymous.userId }),
  version: anonymous.version + 1,
  mergedInto: userId,
  mergedAt: at.toISOString(),
});

const addCounts = <K extends string>(a: Partial<Record<K, number>>, b: Partial<Record<K, number>>): Record<K, number> => {
  const sum = { ...a } as Record<K, number>;
  for (const [key, value] of Object.entries(b) as [K, number][]) sum[key] = (sum[key] ?? 0) + value;
  return sum;
};

const extreme = (a: string | undefined, b: string | undefined, pick: (x: number, y: number) => number): string | undefined => {
  if (a === undefined || b === undefined) return a ?? b;
  return pick(Date.parse(a), Date.parse(b)) === Date.parse(a) ? a : b;
};

/** The record stated later by client time; the first (the user's) on a tie. */
const latestOf = <T extends { at: string }>(mine: T | undefined, theirs: T | undefined): T | undefined => {
  if (mine === undefined || theirs === undefined) return mine ?? theirs;
  return Date.parse(theirs.at) > Date.parse(mine.at) ? theirs : mine;
};

/** Both deduplication windows, the user's last; the next fold keeps the newest of them (rememberInsertIds). */
const joinWindows = (older: Uint8Array, newer: Uint8Array): Uint8Array => {
  const all = new Uint8Array(older.length + newer.length);
  all.set(older, 0);
  all.set(newer, older.length);
  return all.slice(Math.max(0, all.length - 2 * SEEN_INSERT_IDS_MAX_BYTES));
};
