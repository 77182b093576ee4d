import type { Profile } from './profile';

/**
 * Behaviour and value tags, derived from the profile's counts. Thresholds are named so the docs and
 * the audience rules can refer to them.
 */
export const TAG_RULES = {
  /** Share of interactions between 22:00 and 06:00 local time. */
  nightActiveShare: 0.4,
  /** Share of interactions from the iOS or Android app. */
  mobileActiveShare: 0.5,
  /** Interactions needed before a share-based tag is given at all. */
  minInteractions: 5,
  /** Category interest score needed for an `interest:<category>` tag; at most this many interests. */
  minInterestScore: 3,
  maxInterests: 3,
  repeatBuyerMinOrders: 2,
} as const;

const NIGHT_HOURS = new Set([22, 23, 0, 1, 2, 3, 4, 5]);

export const behaviourTags = (profile: Profile, now: Date): string[] => {
  const tags: string[] = [];
  const total = profile.hoursUtc.reduce((sum, n) => sum + n, 0);
  if (total >= TAG_RULES.minInteractions) {
    const offset = utcOffsetHours(profile.timeZone, now);
    const night = profile.hoursUtc.reduce((sum, n, hour) => (NIGHT_HOURS.has((hour + offset + 24) % 24) ? sum + n : sum), 0);
    if (night / total >= TAG_RULES.nightActiveShare) tags.push('night-active');
  }
  const { ios = 0, android = 0, web = 0 } = profile.platforms;
  const onPlatforms = ios + android + web;
  if (onPlatforms >= TAG_RULES.minInteractions && (ios + android) / onPlatforms >= TAG_RULES.mobileActiveShare) {
    tags.push('mobile-active');
  }
  const interests = Object.entries(profile.categoryScores)
    .filter(([, score]) => score >= TAG_RULES.minInterestScore)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, TAG_RULES.maxInterests);
  for (const [category] of interests) tags.push(`interest:${category}`);
  return tags;
};

export const valueTags = (profile: Profile): string[] => {
  const orders = profile.counters.purchase ?? 0;
  const tags: string[] = [];
  if (orders === 0) tags.push('never-purchased');
  if (orders >= TAG_RULES.repeatBuyerMinOrders) tags.push('repeat-buyer');
  // Population-relative: the top monetary quintile from the last nightly RFM run.
  if (profile.rfm?.m === 5) tags.push('high-spender');
  return tags;
};

/** Whole-hour UTC offset of a time zone at a moment; 0 when the zone is unknown or invalid. */
const utcOffsetHours = (timeZone: string | undefined, at: Date): number => {
  if (!timeZone) return 0;
  try {
    const local = new Date(at.toLocaleString('en-US', { timeZone }));
    const utc = new Date(at.toLocaleString('en-US', { timeZone: 'UTC' }));
    return Math.round((local.getTime() - utc.getTime()) / 3_600_000);
  } catch {
    return 0;
  }
};
