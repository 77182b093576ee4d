import { ProfileVersionConflictError } from '../errors';
import type { Campaign } from '../campaigns/campaign';
import type { ProfileStore, TimerStore } from '../ports';
import { dateTimersFor } from '../triggers/date-triggers';
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
  /**
   * Date-triggered campaigns (birthdays, expiries): their timers for the coming two days are armed for
   * each profile as it is rescored, so they need no scan of their own.
   */
  dates?: { campaigns: readonly Campaign[]; timers: Pick<TimerStore, 'apply'>; defaultTimeZone?: string };
  maxAttempts?: number;
}

export interface RescoreResult {
  profiles: number;
  customers: number;
  breakpoints: RfmBreakpoints;
  segments: Partial<Record<RfmSegment, number>>;
  conflicts: number;
  /** Date-trigger timers armed (an occurrence armed the night before too is counted again; it is one timer). */
  dateTimersArmed: number;
}

/**
 * The nightly job: scores RFM by quintiles of the whole population, then re-derives every profile
 * (activity decays, lifecycle moves, value tags follow the new scores). Two passes over the table: the
 * quintiles need the whole population before anyone can be scored. Each write is the usual conditional
 * write, so a profile that changed meanwhile is reloaded and scored again, never overwritten.
 */
export const nightlyRescore = async (input: RescoreInput): Promise<RescoreResult> => {
  const { scan, profiles, now, currency, dates, maxAttempts = 3 } = input;
  const dateCampaigns = (dates?.campaigns ?? []).filter((campaign) => campaign.trigger.date !== undefined);
  const population: RfmInputs[] = [];
  for await (const page of scan()) {
    for (const profile of page) {
      const inputs = rfmInputsOf(profile, now, currency);
      if (inputs) population.push(inputs);
    }
  }
  const breakpoints = rfmBreakpoints(population);
  const result: RescoreResult = { profiles: 0, customers: population.length, breakpoints, segments: {}, conflicts: 0, dateTimersArmed: 0 };

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
        await armDateTimers(next);
        if (next.rfm) result.segments[next.rfm.segment] = (result.segments[next.rfm.segment] ?? 0) + 1;
        return;
      } catch (error) {
        if (!(error instanceof ProfileVersionConflictError) || attempt >= maxAttempts) throw error;
        result.conflicts++;
        current = await profiles.load(current.userId);
      }
    }
  }

  /** After the write: arming is idempotent, and a run that fails here is retried (or the next night arms it). */
  async function armDateTimers(profile: Profile): Promise<void> {
    if (!dates || dateCampaigns.length === 0) return;
    const timers = dateTimersFor({ profile, campaigns: dateCampaigns, now, ...(dates.defaultTimeZone && { defaultTimeZone: dates.defaultTimeZone }) });
    if (timers.length === 0) return;
    await dates.timers.apply(timers.map((timer) => ({ op: 'arm' as const, timer })));
    result.dateTimersArmed += timers.length;
  }
};
