import { ProfileVersionConflictError } from '../errors';
import type { ProfileStore } from '../ports';
import { deriveProfile } from './derive-profile';
import type { Profile } from './profile';
import { rfmBreakpoints, scoreRfm, type RfmBreakpoints, type RfmInputs, type RfmSegment } from './rfm';

const DAY_MS = 86_400_000;

/** R, F and M of one profile as of `now`, in `currency`; undefined for a user who never bought. */
export const rfmInputsOf = (profile: Profile, now: Date, currency: string): RfmInputs | undefined => {
  if (!profile.lastPurchaseAt) return undefined;
  return {
    userId: profile.userId,
    recencyDays: Math.floor((now.getTime() - Date.parse(profile.lastPurchaseAt)) / DAY_MS),
    frequency: profile.counters.purchase ?? 0,
    monetary: profile.spend[currency] ?? 0,
  };
};

export interface RescoreInput {
  /** Every profile, page by page (a full scan). */
  scan: () => AsyncIterable<Profile[]>;
  profiles: ProfileStore;
  now: Date;
  /** RFM's monetary is measured in one currency; spend in others does not count toward it. */
  currency: string;
  maxAttempts?: number;
}

export interface RescoreResult {
  profiles: number;
  customers: number;
  breakpoints: RfmBreakpoints;
  segments: Partial<Record<RfmSegment, number>>;
  conflicts: number;
}

/**
 * The nightly job: scores RFM by quintiles of the whole population, then re-derives every profile
 * (activity decays, lifecycle moves, value tags follow the new scores). Two passes over the table: the
 * quintiles need the whole population before anyone can be scored. Each write is the usual conditional
 * write, so a profile that changed meanwhile is reloaded and scored again, never overwritten.
 */
export const nightlyRescore = async (input: RescoreInput): Promise<RescoreResult> => {
  const { scan, profiles, now, currency, maxAttempts = 3 } = input;
  const population: RfmInputs[] = [];
  for await (const page of scan()) {
    for (const profile of page) {
      const inputs = rfmInputsOf(profile, now, currency);
      if (inputs) population.push(inputs);
    }
  }
  const breakpoints = rfmBreakpoints(population);
  const result: RescoreResult = { profiles: 0, customers: population.length, breakpoints, segments: {}, conflicts: 0 };

  for await (const page of scan()) {
    await Promise.all(page.map((profile) => rescoreOne(profile)));
  }
  return result;

  async function rescoreOne(first: Profile): Promise<void> {
    let current: Profile | undefined = first;
    for (let attempt = 1; current; attempt++) {
      const inputs = rfmInputsOf(current, now, currency);
      const { rfm: _stale, ...rest } = current;
      const scored = inputs ? { ...rest, rfm: scoreRfm(inputs, breakpoints, now) } : rest;
      const next = { ...deriveProfile(scored, now), version: current.version + 1 };
      try {
        await profiles.save(next, current.version);
        result.profiles++;
        if (next.rfm) result.segments[next.rfm.segment] = (result.segments[next.rfm.segment] ?? 0) + 1;
        return;
      } catch (error) {
        if (!(error instanceof ProfileVersionConflictError) || attempt >= maxAttempts) throw error;
        result.conflicts++;
        current = await profiles.load(current.userId);
      }
    }
  }
};
