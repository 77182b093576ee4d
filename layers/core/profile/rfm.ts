import { quantileSorted } from 'simple-statistics';

export type Score = 1 | 2 | 3 | 4 | 5;

/**
 * RFM segments from the scores; the first rule that matches wins (docs/profiles.md has the table).
 */
export const RFM_SEGMENT_RULES = [
  { segment: 'new-customers', when: (r: Score, f: Score) => r === 5 && f === 1 },
  { segment: 'promising', when: (r: Score, f: Score) => r === 4 && f === 1 },
  { segment: 'champions', when: (r: Score, f: Score, m: Score) => r >= 4 && f >= 4 && m >= 4 },
  { segment: 'potential-loyalists', when: (r: Score, f: Score) => r >= 4 && f <= 3 },
  { segment: 'loyal', when: (r: Score, f: Score) => r >= 3 && f >= 4 },
  { segment: 'need-attention', when: (r: Score) => r === 3 },
  { segment: 'cannot-lose-them', when: (_r: Score, f: Score, m: Score) => f >= 4 && m >= 4 },
  { segment: 'at-risk', when: (_r: Score, f: Score) => f >= 3 },
  { segment: 'hibernating', when: (r: Score) => r === 2 },
  { segment: 'lost', when: () => true },
] as const;

export type RfmSegment = (typeof RFM_SEGMENT_RULES)[number]['segment'];

/** What RFM is computed from, for one customer (a user with at least one purchase). */
export interface RfmInputs {
  userId: string;
  /** Whole days from the last purchase to the scoring time. */
  recencyDays: number;
  /** Number of orders. */
  frequency: number;
  /** Money spent, in the scoring currency. */
  monetary: number;
}

export interface RfmScore extends Omit<RfmInputs, 'userId'> {
  r: Score;
  f: Score;
  m: Score;
  segment: RfmSegment;
  /** When the population was scored. */
  at: string;
}

/** The quintile cut points (20th, 40th, 60th, 80th percentiles) of each measure over the population. */
export interface RfmBreakpoints {
  recencyDays: number[];
  frequency: number[];
  monetary: number[];
}

const QUINTILES = [0.2, 0.4, 0.6, 0.8];

export const rfmBreakpoints = (population: readonly RfmInputs[]): RfmBreakpoints => {
  const cuts = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? [] : QUINTILES.map((p) => quantileSorted(sorted, p));
  };
  return {
    recencyDays: cuts(population.map((c) => c.recencyDays)),
    frequency: cuts(population.map((c) => c.frequency)),
    monetary: cuts(population.map((c) => c.monetary)),
  };
};

/**
 * Scores 1–5 by quintile: F and M score 1 + the number of cut points strictly below the value (more is
 * better); R scores 5 − the number of cut points strictly below the days since the last purchase
 * (more recent is better). Ties with a cut point fall to the lower quintile.
 */
export const scoreRfm = (inputs: RfmInputs, breakpoints: RfmBreakpoints, at: Date): RfmScore => {
  const below = (cuts: number[], value: number) => cuts.filter((cut) => cut < value).length;
  const r = (5 - below(breakpoints.recencyDays, inputs.recencyDays)) as Score;
  const f = (1 + below(breakpoints.frequency, inputs.frequency)) as Score;
  const m = (1 + below(breakpoints.monetary, inputs.monetary)) as Score;
  const { userId: _userId, ...measures } = inputs;
  return { ...measures, r, f, m, segment: rfmSegment(r, f, m), at: at.toISOString() };
};

export const rfmSegment = (r: Score, f: Score, m: Score): RfmSegment =>
  RFM_SEGMENT_RULES.find((rule) => rule.when(r, f, m))!.segment;
