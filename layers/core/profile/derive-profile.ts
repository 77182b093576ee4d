import { activityLevel } from './activity';
import { lifecycleStage } from './lifecycle';
import type { Profile } from './profile';
import { behaviourTags, valueTags } from './tags';

/**
 * Recomputes what depends on time as well as on events: activity level, lifecycle stage and tags.
 * Run when a profile is written and nightly, so a user who goes quiet decays without new events.
 */
export const deriveProfile = (profile: Profile, now: Date): Profile => ({
  ...profile,
  activityLevel: activityLevel(profile.activityDays, now),
  lifecycleStage: lifecycleStage({ ...profile, orders: profile.counters.purchase ?? 0 }, now),
  tags: [...behaviourTags(profile, now), ...valueTags(profile)],
  derivedAt: now.toISOString(),
});
