/**
 * What the campaign triggers remember about one user between batches, kept in the profile item (so it is
 * written by the profile's one conditional write) and bounded: see {@link MAX_MARKS_PER_CAMPAIGN} and the
 * pruning rules in evaluate-triggers.ts. State of campaigns that are no longer active is dropped, but for
 * a timer trigger's `droppedThrough` (kept while a timer it armed may still be due).
 */
export interface TriggerState {
  /** `count` triggers, by campaign id. */
  counts: Record<string, CountState>;
  /** Timer triggers (`unless`, `afterMs`), by campaign id. */
  timers: Record<string, TimerTriggerState>;
}

/** A matching event, as a count remembers it. */
export interface CountedEvent {
  /** Client time, ISO-8601. */
  at: string;
  insertId: string;
}

export interface CountState {
  /** Matching events not yet part of a firing, oldest first: fewer than `count.atLeast`, all within `count.withinMs` of the newest. */
  events: CountedEvent[];
  /** The event that completed the last firing: it and everything before it were counted already. */
  firedThrough?: CountedEvent;
}

/**
 * Recent starting and completing events of a timer trigger, oldest first. Kept so that an event that
 * arrives late (by client time) gets the outcome it would have had in order: a starting event finds that
 * it was completed (an add_to_cart that came first), or that a newer start re-armed its timer before it
 * was due.
 */
export interface TimerTriggerState {
  starts: TriggerMark[];
  completions: TriggerMark[];
  /**
   * Client time of the newest starting event no longer remembered whose timer may still be armed (dropped
   * for {@link MAX_MARKS_PER_CAMPAIGN}, or all of them when the campaign went inactive). A completing event
   * up to the trigger's delay after it sends its cancel whatever its correlation value: it may complete one.
   */
  droppedThrough?: string;
}

export interface TriggerMark {
  /** The `correlateOn` property's value, or `-` when the trigger has no `correlateOn`. */
  value: string;
  /** Client time, ISO-8601. */
  at: string;
  insertId: string;
}

/** Marks kept per campaign and kind (the newest): enough for any realistic burst within a window. */
export const MAX_MARKS_PER_CAMPAIGN = 50;

/**
 * How late (after its timer would have been due) a starting event may arrive and still arm a timer,
 * e.g. in a batch an app kept while offline. Marks are kept as long as they can matter for such an event:
 * the trigger's window or delay, plus this. Later starting events are stale and arm nothing.
 */
export const LATE_EVENT_TOLERANCE_MS = 24 * 3_600_000;

/** The longest delay or window a timer trigger may have (`after`, `unless.within`: DURATION_LIMITS_MS in parse-campaign.ts). */
export const MAX_TIMER_DELAY_MS = 90 * 86_400_000;

export const emptyTriggerState = (): TriggerState => ({ counts: {}, timers: {} });
