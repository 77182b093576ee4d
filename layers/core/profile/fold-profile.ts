import type { Channel, IngestedEvent } from '../contract/pipeline-event';
import { dayKey, INTERACTION_TYPES, pruneDays } from './activity';
import { ACTIVITY_DAYS_KEPT, withDefaults, type Profile } from './profile';
import { fingerprintOf, rememberInsertIds, seenFingerprints } from './seen-insert-ids';

/** How much each kind of event says about interest in a category. */
export const CATEGORY_WEIGHTS: Partial<Record<IngestedEvent['type'], number>> = {
  product_view: 1,
  add_to_cart: 3,
  purchase: 5,
};

export interface FoldResult {
  profile: Profile;
  /** The events that changed the profile, in client-time order; duplicates are left out. */
  applied: IngestedEvent[];
}

/**
 * Folds a user's events into their profile. Pure and deterministic: the same profile and events give
 * the same result, duplicates (by insertId) are ignored, and arrival order does not matter because
 * events are applied in client-time order and every field is either additive or "latest wins".
 */
export const foldProfile = (current: Profile, events: readonly IngestedEvent[]): FoldResult => {
  const seen = seenFingerprints(current.seenInsertIds);
  const fresh: IngestedEvent[] = [];
  for (const event of [...events].sort(byClientTime)) {
    const fingerprint = fingerprintOf(event.insertId);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    fresh.push(event);
  }
  if (fresh.length === 0) return { profile: current, applied: [] };

  const profile = fresh.reduce(applyEvent, withDefaults(structuredClone(current)));
  profile.activityDays = pruneDays(profile.activityDays, ACTIVITY_DAYS_KEPT);
  profile.seenInsertIds = rememberInsertIds(current.seenInsertIds, fresh.map((e) => e.insertId));
  return { profile, applied: fresh };
};

const applyEvent = (profile: Profile, event: IngestedEvent): Profile => {
  const at = event.timestamp;
  profile.counters[event.type] = (profile.counters[event.type] ?? 0) + 1;
  profile.firstSeenAt = earliest(profile.firstSeenAt, at);
  profile.lastSeenAt = latest(profile.lastSeenAt, at);
  const props = event.properties ?? {};

  if (INTERACTION_TYPES.has(event.type)) {
    const day = dayKey(at);
    profile.activityDays[day] = (profile.activityDays[day] ?? 0) + 1;
    const hour = new Date(at).getUTCHours();
    profile.hoursUtc[hour] = (profile.hoursUtc[hour] ?? 0) + 1;
    const platform = event.context?.platform;
    if (platform) profile.platforms[platform] = (profile.platforms[platform] ?? 0) + 1;
  }

  const weight = CATEGORY_WEIGHTS[event.type] ?? 0;
  const categories = event.type === 'purchase' ? (props.items ?? []).map((item) => item.category) : [props.category];
  for (const category of new Set(categories)) {
    if (weight > 0 && category) profile.categoryScores[category] = (profile.categoryScores[category] ?? 0) + weight;
  }

  if (event.type === 'purchase') {
    profile.lastPurchaseAt = latest(profile.lastPurchaseAt, at);
    const currency = props.currency ?? 'XXX';
    const total = (props.items ?? []).reduce((sum, item) => sum + item.quantity * item.price, 0);
    profile.spend[currency] = roundCents((profile.spend[currency] ?? 0) + total);
  }

  if (event.type === 'identify') {
    Object.assign(profile.traits, props.traits ?? {});
    if (props.timeZone) profile.timeZone = props.timeZone;
    if (props.pushEndpointArn && isNewer(profile.channels.push?.at, at)) {
      profile.channels.push = { endpointArn: props.pushEndpointArn, at };
    }
    if (props.phoneNumber && isNewer(profile.channels.sms?.at, at)) {
      profile.channels.sms = { phoneNumber: props.phoneNumber, at };
    }
    for (const [channel, granted] of Object.entries(props.consent ?? {}) as [Channel, boolean][]) {
      if (isNewer(profile.consent[channel]?.at, at)) profile.consent[channel] = { granted, at, source: 'identify' };
    }
  }
  return profile;
};

const byClientTime = (a: IngestedEvent, b: IngestedEvent): number =>
  a.timestamp === b.timestamp ? a.insertId.localeCompare(b.insertId) : Date.parse(a.timestamp) - Date.parse(b.timestamp);

const isNewer = (previous: string | undefined, candidate: string): boolean =>
  previous === undefined || Date.parse(candidate) >= Date.parse(previous);

const latest = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

const earliest = (a: string | undefined, b: string): string =>
  a === undefined || Date.parse(b) < Date.parse(a) ? b : a;

const roundCents = (amount: number): number => Math.round(amount * 100) / 100;
