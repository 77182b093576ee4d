import type { Campaign, DateTrigger } from '../campaigns/campaign';
import { matchesAudience } from '../campaigns/match-audience';
import { messageIdFor } from '../messaging/intent';
import { isKnownTimeZone, wallClockAt } from '../messaging/quiet-hours';
import type { Profile } from '../profile/profile';
import type { Timer } from './timer';

const DAY_MS = 86_400_000;

/**
 * How far ahead the nightly run arms date timers: two nights, so one failed night loses nothing. An
 * occurrence armed twice is one timer (same key, same arming) and one message (same message id).
 */
export const DATE_TRIGGER_HORIZON_MS = 2 * DAY_MS;

/** A date trait's calendar date: `YYYY-MM-DD`, or the date part of an ISO-8601 date-time. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

/**
 * The instants at which a date trigger falls for a trait value, in [fromMs, fromMs + horizonMs): the
 * trait's date (every year, for `every: year`) plus the offset, at the local time in `zone`. A 29 February
 * falls on 28 February in other years. Each comes with its local date, which names the occurrence.
 */
export const dateOccurrences = (trigger: DateTrigger, value: unknown, zone: string, fromMs: number, horizonMs: number): { date: string; dueMs: number }[] => {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) return [];
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const localYear = new Date(wallClockAt(fromMs, zone)).getUTCFullYear();
  const years = trigger.every === 'year' ? [localYear - 1, localYear, localYear + 1] : [year];
  return years
    .map((y) => {
      const anniversary = Date.UTC(y, month - 1, Math.min(day, daysIn(y, month)));
      const date = new Date(anniversary + (trigger.offsetDays ?? 0) * DAY_MS).toISOString().slice(0, 10);
      return { date, dueMs: instantOfLocal(date, trigger.at, zone) };
    })
    .filter(({ dueMs }) => dueMs >= fromMs && dueMs < fromMs + horizonMs);
};

/**
 * The timers the date-triggered campaigns need for a profile in the coming horizon, for the nightly run
 * to arm (it reads every profile already: no scan of its own). Only users in the audience now; deliver
 * checks it again, with consent, quiet hours and caps, when the timer fires. The user's time zone, else
 * the deployment's default, else UTC.
 */
export const dateTimersFor = (input: { profile: Profile; campaigns: readonly Campaign[]; now: Date; defaultTimeZone?: string; horizonMs?: number }): Timer[] => {
  const { profile, now, horizonMs = DATE_TRIGGER_HORIZON_MS } = input;
  const zone = [profile.timeZone, input.defaultTimeZone].find(isKnownTimeZone) ?? 'UTC';
  return input.campaigns.flatMap((campaign) => {
    const trigger = campaign.trigger.date;
    const channel = campaign.channels[0];
    if (!trigger || !channel || profile.mergedInto !== undefined || !matchesAudience(profile, campaign.audience, now)) return [];
    return dateOccurrences(trigger, profile.traits[trigger.trait], zone, now.getTime(), horizonMs).map(({ date, dueMs }): Timer => {
      const occurrence = `date:${trigger.trait}:${date}`;
      const dueAt = new Date(dueMs).toISOString();
      return {
        userId: profile.userId,
        key: `${campaign.id}#${date}`,
        armId: occurrence,
        // Fixed per occurrence, so arming it again (the next night) is the same arming, not a newer one.
        armedAt: new Date(dueMs - horizonMs).toISOString(),
        dueAt,
        intent: {
          messageId: messageIdFor({ userId: profile.userId, campaignId: campaign.id, occurrence }),
          userId: profile.userId,
          campaignId: campaign.id,
          channel,
          occurrence,
          triggeredAt: dueAt,
          context: { eventType: 'date', date },
        },
      };
    });
  });
};

/** The instant at which the wall clock in `zone` reads `date` `time` (the later one, in a DST gap). */
export const instantOfLocal = (date: string, time: string, zone: string): number => {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const wall = Date.parse(`${date}T00:00:00.000Z`) + (hours * 60 + minutes) * 60_000;
  let instant = wall;
  // Two rounds settle the offset, also across a DST change between the guess and the answer.
  for (let round = 0; round < 2; round++) instant = wall - (wallClockAt(instant, zone) - instant);
  return instant;
};

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
