import type { Profile } from '../profile/profile';
import type { Audience } from './campaign';

const DAY_MS = 86_400_000;

/**
 * Whether a profile belongs to an audience (or a content variant's segment): every predicate that is
 * set must hold. The one place audiences are evaluated, by the triggers and again by deliver at send
 * time; `now` is the time the predicates over days are measured from (the batch's, or the send's).
 */
export const matchesAudience = (profile: Profile, audience: Audience | undefined, now: Date): boolean => {
  if (!audience) return true;
  // A segment reference is resolved into predicates when the campaign is loaded; one that was not matches nobody.
  if (audience.segment !== undefined) return false;
  const tags = new Set(profile.tags);
  if (audience.lifecycleStages && !(profile.lifecycleStage && audience.lifecycleStages.includes(profile.lifecycleStage))) return false;
  if (audience.tagsAll && !audience.tagsAll.every((tag) => tags.has(tag))) return false;
  if (audience.tagsAny && !audience.tagsAny.some((tag) => tags.has(tag))) return false;
  if (audience.tagsNone && audience.tagsNone.some((tag) => tags.has(tag))) return false;
  if (audience.rfmSegments && !(profile.rfm && audience.rfmSegments.includes(profile.rfm.segment))) return false;
  return matchesTraitsAndConsent(profile, audience) && matchesTimes(profile, audience, now.getTime());
};

const matchesTraitsAndConsent = (profile: Profile, audience: Audience): boolean => {
  for (const [trait, values] of Object.entries(audience.traits ?? {})) {
    if (!values.includes(profile.traits[trait] as string | number | boolean)) return false;
  }
  return (audience.consentGranted ?? []).every((purpose) => profile.consent[purpose]?.granted === true);
};

/** Predicates over days, from the profile's last purchase, last event and date traits. */
const matchesTimes = (profile: Profile, audience: Audience, nowMs: number): boolean => {
  const ago = (iso: string | undefined) => (iso === undefined ? Number.POSITIVE_INFINITY : nowMs - Date.parse(iso));
  if (audience.purchasedWithinDays !== undefined && !(ago(profile.lastPurchaseAt) <= audience.purchasedWithinDays * DAY_MS)) return false;
  if (audience.noPurchaseForDays !== undefined && !(ago(profile.lastPurchaseAt) > audience.noPurchaseForDays * DAY_MS)) return false;
  if (audience.inactiveForDays !== undefined && !(ago(profile.lastSeenAt) > audience.inactiveForDays * DAY_MS)) return false;
  if (audience.dateTraitWithin) {
    const value = profile.traits[audience.dateTraitWithin.trait];
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!(at >= nowMs && at - nowMs <= audience.dateTraitWithin.withinDays * DAY_MS)) return false;
  }
  return true;
};
