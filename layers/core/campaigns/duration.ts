/** Milliseconds per unit of a campaign file's durations ("90s", "30m", "24h", "3d", "2w"). */
export const DURATION_UNITS_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

export type DurationUnit = keyof typeof DURATION_UNITS_MS;

const DURATION = /^([0-9]+)(ms|s|m|h|d|w)$/;

/**
 * A duration string as milliseconds, or undefined when it is not `<whole number><unit>`.
 * Days are 24 h (timers are instants, not calendar days). Bounds are the caller's business.
 */
export const parseDuration = (text: string): number | undefined => {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] as DurationUnit];
  return Number.isSafeInteger(ms) ? ms : undefined;
};

/**
 * Milliseconds in the largest unit up to days that divides them exactly: 1_800_000 → "30m", 90_000 → "90s",
 * 604_800_000 → "7d" (weeks are read, never written: "14d" reads more plainly than "2w").
 */
export const formatDuration = (ms: number): string => {
  const units = (Object.entries(DURATION_UNITS_MS) as [DurationUnit, number][]).filter(([unit]) => unit !== 'w').reverse();
  const [unit, size] = units.find(([, size]) => ms !== 0 && ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
};
