/**
 * The global send-rate limiter's algorithm: GCRA (the generic cell rate algorithm, a token bucket
 * expressed as one timestamp) with no burst tolerance, so sends are spaced at least one interval apart.
 *
 * Why no burst: with an interval of ⌈10⁶ / rate⌉ µs, the k-th send after any send happens at least
 * k·interval ≥ k/rate seconds later, so a half-open 1-second window `[t, t + 1 s)` can hold at most
 * `rate` sends, wherever it is placed. A bucket that allowed a burst B would allow B + rate in some
 * window. Times are integer microseconds, so no floating-point rounding can squeeze in an extra send.
 *
 * The state is the theoretical arrival time (TAT): the earliest time the next slot may be used. A
 * reservation takes slots `max(TAT, now) + i·interval` and moves TAT past them; it is written back with
 * a compare-and-set by the caller (the DynamoDB item, or memory in tests), which makes every deliver
 * container share one schedule.
 */

/** Microseconds between two sends at `ratePerSecond` (rounded up: never faster than the rate). */
export const intervalMicros = (ratePerSecond: number): number => {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
  return Math.ceil(1_000_000 / ratePerSecond);
};

export interface SlotReservation {
  /** Granted send times, epoch microseconds, ascending; fewer than asked when the rest would be after the deadline. */
  slotsUs: number[];
  /** The state to write back (compare-and-set against the state read). */
  nextTatUs: number;
  /** When slots were refused: microseconds from now until the first slot not granted. */
  retryAfterUs: number;
}

/**
 * Reserves up to `count` slots no later than `deadlineUs`.
 * @param tatUs the stored theoretical arrival time, undefined when the limiter was never used
 */
export const reserveSlots = (input: { tatUs: number | undefined; nowUs: number; count: number; intervalUs: number; deadlineUs: number }): SlotReservation => {
  const { nowUs, count, intervalUs, deadlineUs } = input;
  const first = Math.max(input.tatUs ?? nowUs, nowUs);
  const fit = first > deadlineUs ? 0 : Math.min(count, Math.floor((deadlineUs - first) / intervalUs) + 1);
  const slotsUs = Array.from({ length: fit }, (_, i) => first + i * intervalUs);
  const nextTatUs = first + fit * intervalUs;
  return { slotsUs, nextTatUs: fit > 0 ? nextTatUs : (input.tatUs ?? nowUs), retryAfterUs: fit < count ? nextTatUs - nowUs : 0 };
};

export const toMicros = (date: Date): number => date.getTime() * 1_000;
export const fromMicros = (us: number): Date => new Date(Math.ceil(us / 1_000));

/**
 * The same reservation as an atomic increment, for stores that can add under a condition (DynamoDB):
 * when the schedule is ahead of now (TAT ≥ now, the busy case), taking `count` slots is
 * `TAT += count·interval`, allowed while the first slot is at or before `lastStartUs`; the granted slots
 * are then the `count` intervals that end at the new TAT. No read-modify-write race: the store applies
 * increments one after the other. When the schedule is behind now (idle), the caller sets it instead.
 */
export const incrementFor = (count: number, intervalUs: number, deadlineUs: number): { spanUs: number; lastStartUs: number } => ({
  spanUs: count * intervalUs,
  lastStartUs: deadlineUs - (count - 1) * intervalUs,
});

/** The slots an increment of `count` slots granted, from the TAT it left. */
export const slotsEndingAt = (nextTatUs: number, count: number, intervalUs: number): number[] =>
  Array.from({ length: count }, (_, i) => nextTatUs - (count - i) * intervalUs);
