import type { Profile } from '../profile/profile';
import type { Audience } from './campaign';

/**
 * Whether a profile belongs to an audience (or a content variant's segment): every predicate that is
 * set must hold. The one place audiences are evaluated, by the triggers and again by deliver at send time.
 */
export const matchesAudience = (profile: Profile, audience: Audience | undefined): boolean => {
  if (!audience) return true;
  const tags = new Set(profile.tags);
  if (audience.lifecycleStages && !(profile.lifecycleStage && audience.lifecycleStages.includes(profile.lifecycleStage))) return false;
  if (audience.tagsAll && !audience.tagsAll.every((tag) => tags.has(tag))) return false;
  if (audience.tagsAny && !audience.tagsAny.some((tag) => tags.has(tag))) return false;
  if (audience.tagsNone && audience.tagsNone.some((tag) => tags.has(tag))) return false;
  if (audience.rfmSegments && !(profile.rfm && audience.rfmSegments.includes(profile.rfm.segment))) return false;
  return true;
};
