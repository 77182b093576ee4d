import {
  MAX_MARKS_PER_CAMPAIGN,
  type CountedEvent,
  type CountState,
  type TimerTriggerState,
  type TriggerMark,
  type TriggerState,
} from '../triggers/trigger-state';

/**
 * Two users' trigger states as one (an anonymous profile absorbed by a user's): the marks of both, so
 * the trigger code sees what either did, bounded as one state is. A start dropped for the bound moves
 * `droppedThrough`, as evaluate-triggers does when it prunes.
 */
export const mergeTriggerStates = (a: TriggerState, b: TriggerState): TriggerState => ({
  counts: mergeRecords(a.counts, b.counts, mergeCounts),
  timers: mergeRecords(a.timers, b.timers, mergeTimers),
});

const mergeRecords = <T>(a: Record<string, T>, b: Record<string, T>, merge: (x: T, y: T) => T): Record<string, T> => {
  const merged = { ...a };
  for (const [campaignId, state] of Object.entries(b)) merged[campaignId] = merged[campaignId] ? merge(merged[campaignId], state) : state;
  return merged;
};

const mergeCounts = (a: CountState, b: CountState): CountState => {
  const firedThrough = later(a.firedThrough, b.firedThrough);
  const pending = union([...a.events, ...b.events]).filter((event) => !firedThrough || Date.parse(event.at) > Date.parse(firedThrough.at));
  return { events: pending.slice(-MAX_MARKS_PER_CAMPAIGN), ...(firedThrough && { firedThrough }) };
};

const mergeTimers = (a: TimerTriggerState, b: TimerTriggerState): TimerTriggerState => {
  const starts = union([...a.starts, ...b.starts]);
  const kept = starts.slice(-MAX_MARKS_PER_CAMPAIGN);
  const dropped = starts.slice(0, starts.length - kept.length).at(-1)?.at;
  const droppedThrough = [a.droppedThrough, b.droppedThrough, dropped].filter((at): at is string => at !== undefined).sort(byTime).at(-1);
  return {
    starts: kept,
    completions: union([...a.completions, ...b.completions]).slice(-MAX_MARKS_PER_CAMPAIGN),
    ...(droppedThrough && { droppedThrough }),
  };
};

/** One mark per insertId, oldest first (by client time, then insertId). */
const union = <T extends CountedEvent | TriggerMark>(marks: readonly T[]): T[] =>
  [...new Map(marks.map((mark) => [mark.insertId, mark])).values()].sort((x, y) => byTime(x.at, y.at) || x.insertId.localeCompare(y.insertId));

const later = (a: CountedEvent | undefined, b: CountedEvent | undefined): CountedEvent | undefined =>
  a === undefined || b === undefined ? (a ?? b) : byTime(a.at, b.at) >= 0 ? a : b;

const byTime = (a: string, b: string): number => Date.parse(a) - Date.parse(b);
