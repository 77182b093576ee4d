import type { IngestedEvent } from '../contract/pipeline-event';
import { isStandardEventType } from '../contract/pipeline-event';
import { dayKey, pruneDays } from './activity';

/** What the profile keeps of one custom event type, for audiences ("wishlist_add at least 3 times in 7 days"). */
export interface CustomEventSummary {
  count: number;
  firstAt: string;
  lastAt: string;
  /** Events per UTC day, the last {@link CUSTOM_EVENT_DAYS_KEPT} days before the newest. */
  days: Record<string, number>;
  /** The scalar top-level properties of the latest event (by client time). */
  last?: Record<string, string | number | boolean>;
}

/** Custom event types a profile keeps: the most recently seen (an app has a handful; the item stays small). */
export const MAX_CUSTOM_EVENT_TYPES = 20;
export const CUSTOM_EVENT_DAYS_KEPT = 35;
/** Last-seen values kept per type, and their length: enough for ids, codes and names. */
export const MAX_LAST_VALUES = 20;
export const MAX_LAST_VALUE_LENGTH = 128;
/** Categories whose latest purchase a profile keeps (the most recent). */
export const MAX_PURCHASE_CATEGORIES = 50;

export const isCustomEvent = (event: Pick<IngestedEvent, 'type'>): boolean => !isStandardEventType(event.type);

/** The summaries with one more event of a custom type folded in (in place; latest wins for `last`). */
export const foldCustomEvent = (summaries: Record<string, CustomEventSummary>, event: IngestedEvent): Record<string, CustomEventSummary> => {
  const at = event.timestamp;
  const day = dayKey(at);
  const current = summaries[event.type];
  const values = lastValuesOf(event);
  const isLatest = !current || isLater({ at, last: values }, { at: current.lastAt, last: current.last });
  const last = isLatest ? values : current.last;
  summaries[event.type] = {
    count: (current?.count ?? 0) + 1,
    firstAt: current && Date.parse(current.firstAt) <= Date.parse(at) ? current.firstAt : at,
    lastAt: isLatest ? at : current.lastAt,
    days: pruneDays({ ...current?.days, [day]: (current?.days[day] ?? 0) + 1 }, CUSTOM_EVENT_DAYS_KEPT),
    ...(last && Object.keys(last).length > 0 && { last }),
  };
  return keepNewest(summaries, MAX_CUSTOM_EVENT_TYPES, (summary) => summary.lastAt);
};

/** Two profiles' summaries as one (an identity merge): counts and days add up, the latest event's values win. */
export const mergeCustomEvents = (a: Record<string, CustomEventSummary> = {}, b: Record<string, CustomEventSummary> = {}): Record<string, CustomEventSummary> => {
  const merged: Record<string, CustomEventSummary> = { ...a };
  for (const [type, theirs] of Object.entries(b)) {
    const mine = merged[type];
    if (!mine) {
      merged[type] = theirs;
      continue;
    }
    const latest = isLater({ at: theirs.lastAt, last: theirs.last }, { at: mine.lastAt, last: mine.last }) ? theirs : mine;
    const days = { ...mine.days };
    for (const [day, count] of Object.entries(theirs.days)) days[day] = (days[day] ?? 0) + count;
    merged[type] = {
      count: mine.count + theirs.count,
      firstAt: Date.parse(theirs.firstAt) < Date.parse(mine.firstAt) ? theirs.firstAt : mine.firstAt,
      lastAt: latest.lastAt,
      days: pruneDays(days, CUSTOM_EVENT_DAYS_KEPT),
      ...(latest.last && { last: latest.last }),
    };
  }
  return keepNewest(merged, MAX_CUSTOM_EVENT_TYPES, (summary) => summary.lastAt);
};

/** The latest purchase per category, with a purchase's categories folded in (or two profiles' merged). */
export const latestPurchaseByCategory = (current: Record<string, string> = {}, categories: readonly string[], at: string): Record<string, string> => {
  const next = { ...current };
  for (const category of categories) if (next[category] === undefined || Date.parse(at) > Date.parse(next[category]!)) next[category] = at;
  return keepNewest(next, MAX_PURCHASE_CATEGORIES, (value) => value);
};

/**
 * Whether one event's values come after another's: by client time, and at the same instant by their JSON
 * (an arbitrary order, but the same whichever arrives first, so the profile does not depend on arrival order).
 */
const isLater = (a: { at: string; last?: object }, b: { at: string; last?: object }): boolean => {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  return byTime !== 0 ? byTime > 0 : JSON.stringify(a.last ?? {}) >= JSON.stringify(b.last ?? {});
};

/** A custom event's scalar top-level properties (strings cut), at most {@link MAX_LAST_VALUES}. */
const lastValuesOf = (event: IngestedEvent): Record<string, string | number | boolean> => {
  const values: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(event.properties ?? {})) {
    if (Object.keys(values).length >= MAX_LAST_VALUES) break;
    if (typeof value === 'string') values[name] = value.slice(0, MAX_LAST_VALUE_LENGTH);
    else if (typeof value === 'number' || typeof value === 'boolean') values[name] = value;
  }
  return values;
};

/** The `limit` entries with the latest times; ties by key, so the result does not depend on insertion order. */
const keepNewest = <T>(record: Record<string, T>, limit: number, timeOf: (value: T) => string): Record<string, T> => {
  const entries = Object.entries(record);
  if (entries.length <= limit) return record;
  entries.sort(([ka, a], [kb, b]) => Date.parse(timeOf(b)) - Date.parse(timeOf(a)) || ka.localeCompare(kb));
  return Object.fromEntries(entries.slice(0, limit));
};
