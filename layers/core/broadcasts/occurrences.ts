import { CronExpressionParser } from 'cron-parser';
import type { BroadcastSchedule } from '../campaigns/campaign';
import { instantOfLocal } from '../triggers/date-triggers';

const HOUR_MS = 3_600_000;
/** The earliest and latest UTC offsets in use (Kiribati, Baker Island): a local time spans 26 hours. */
const EARLIEST_OFFSET_MS = 14 * HOUR_MS;
const LATEST_OFFSET_MS = 12 * HOUR_MS;
/** How long before its first send a broadcast's fan-out starts: time to scan and plan its waves. */
export const FAN_OUT_LEAD_MS = 15 * 60_000;

/** A broadcast occurrence: its local wall time, `YYYY-MM-DDTHH:MM`, which also names it. */
export type Occurrence = string;

/** The instant a user in `zone` is sent an occurrence: its wall time there, or in the schedule's zone. */
export const sendInstantOf = (schedule: BroadcastSchedule, occurrence: Occurrence, zone: string): number => {
  const [date, time] = occurrence.split('T') as [string, string];
  return instantOfLocal(date, time, schedule.timeZone ?? zone);
};

/** When an occurrence's fan-out starts: before the first zone reaches its wall time. */
export const fanOutStartOf = (schedule: BroadcastSchedule, occurrence: Occurrence): number =>
  (schedule.timeZone ? sendInstantOf(schedule, occurrence, schedule.timeZone) : wallMs(occurrence) - EARLIEST_OFFSET_MS) - FAN_OUT_LEAD_MS;

/**
 * The occurrences whose fan-out starts in (fromMs, toMs], oldest first: what a scheduler tick over that
 * window starts. Starting one is idempotent (its execution is named after it), so ticks may overlap.
 */
export const occurrencesStartingIn = (schedule: BroadcastSchedule, fromMs: number, toMs: number): Occurrence[] => {
  const candidates = schedule.at ? [schedule.at] : cronWallTimes(schedule.cron!, fromMs - LATEST_OFFSET_MS, toMs + EARLIEST_OFFSET_MS + FAN_OUT_LEAD_MS);
  return candidates.filter((occurrence) => {
    const start = fanOutStartOf(schedule, occurrence);
    return start > fromMs && start <= toMs;
  });
};

/** Whether a cron expression is one this product reads (five fields, as cron-parser parses them). */
export const cronProblem = (expression: string): string | undefined => {
  if (expression.trim().split(/\s+/).length !== 5) return 'must have five fields: minute hour day-of-month month day-of-week';
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** The cron's wall times in [fromMs, toMs], on the wall-clock axis (UTC-like: the zone is applied per user). */
const cronWallTimes = (expression: string, fromMs: number, toMs: number): Occurrence[] => {
  const times = CronExpressionParser.parse(expression, { currentDate: new Date(fromMs - 1), endDate: new Date(toMs), tz: 'UTC' });
  const found: Occurrence[] = [];
  while (times.hasNext() && found.length < 1_000) found.push(times.next().toISOString()!.slice(0, 16));
  return found;
};

const wallMs = (occurrence: Occurrence): number => Date.parse(`${occurrence}:00.000Z`);
