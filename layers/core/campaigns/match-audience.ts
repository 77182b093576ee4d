import type { Profile } from '../profile/profile';
import { dayKey } from '../profile/activity';
import { holds } from '../triggers/match-event';
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
  return matchesTraitsAndConsent(profile, audience) && matchesTimes(profile, audience, now.getTime()) && matchesBehaviour(profile, audience, now);
};

/** Predicates over custom events and purchases by category (see custom-events.ts for what the profile keeps). */
const matchesBehaviour = (profile: Profile, audience: Audience, now: Date): boolean => {
  const { eventCountWithin: count, purchasedInCategoryWithinDays: bought, customEventValue: value } = audience;
  if (count) {
    const since = dayKey(new Date(now.getTime() - (count.days - 1) * DAY_MS).toISOString());
    const days = profile.customEvents?.[count.event]?.days ?? {};
    const total = Object.entries(days).reduce((sum, [day, n]) => (day >= since ? sum + n : sum), 0);
    if (total < count.atLeast) return false;
  }
  if (bought) {
    const at = profile.lastPurchaseByCategory?.[bought.category];
    if (at === undefined || now.getTime() - Date.parse(at) > bought.days * DAY_MS) return false;
  }
  if (value && !holds(profile.customEvents?.[value.event]?.last?.[value.property], value.is)) return false;
  return true;
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
