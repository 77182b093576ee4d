import { EVENT_TYPES, type EventType } from '../contract/pipeline-event';

/**
 * Activity levels, from the day buckets at a given time (so a quiet user decays without new events):
 * | level | rule |
 * | --- | --- |
 * | `high` | ≥ 3 interactions in the last 7 days |
 * | `medium` | 1–2 interactions in the last 7 days |
 * | `low` | none in the last 7 days, ≥ 1 in the last 30 |
 * | `inactive` | none in the last 30 days |
 */
export type ActivityLevel = 'high' | 'medium' | 'low' | 'inactive';

export const HIGH_ACTIVITY_MIN_INTERACTIONS = 3;

/** What counts as an interaction: everything the user does; `identify` is the app talking about them. */
export const INTERACTION_TYPES: ReadonlySet<string> = new Set<EventType>(EVENT_TYPES.filter((type) => type !== 'identify'));

const DAY_MS = 86_400_000;

/** The UTC day of an ISO time, `YYYY-MM-DD`. */
export const dayKey = (iso: string): string => iso.slice(0, 10);

/** Interactions in the `days` days ending with `now`'s day (today counts as one of them). */
export const interactionsWithin = (activityDays: Record<string, number>, now: Date, days: number): number => {
  const from = dayKey(new Date(now.getTime() - (days - 1) * DAY_MS).toISOString());
  const to = dayKey(now.toISOString());
  let total = 0;
  for (const [day, count] of Object.entries(activityDays)) if (day >= from && day <= to) total += count;
  return total;
};

export const activityLevel = (activityDays: Record<string, number>, now: Date): ActivityLevel => {
  const week = interactionsWithin(activityDays, now, 7);
  if (week >= HIGH_ACTIVITY_MIN_INTERACTIONS) return 'high';
  if (week > 0) return 'medium';
  return interactionsWithin(activityDays, now, 30) > 0 ? 'low' : 'inactive';
};

/** Keeps the `keep` days ending with the newest bucket; older buckets can no longer matter. */
export const pruneDays = (activityDays: Record<string, number>, keep: number): Record<string, number> => {
  const days = Object.keys(activityDays).sort();
  const newest = days.at(-1);
  if (!newest) return activityDays;
  const oldestKept = dayKey(new Date(Date.parse(newest) - (keep - 1) * DAY_MS).toISOString());
  return Object.fromEntries(days.filter((d) => d >= oldestKept).map((d) => [d, activityDays[d]!]));
};
