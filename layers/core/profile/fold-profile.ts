import { consentStatementsOf, isIdentityOrConsentEvent } from '../consent/consent-statements';
import { trackingVerdict, type NotTrackedReason, type TrackingPolicy } from '../consent/tracking-policy';
import type { IngestedEvent } from '../contract/pipeline-event';
import { isStorableNumber, type FieldError } from '../contract/validate-event';
import { dayKey, INTERACTION_TYPES, pruneDays } from './activity';
import { foldCustomEvent, isCustomEvent, latestPurchaseByCategory } from './custom-events';
import { ACTIVITY_DAYS_KEPT, withDefaults, type Profile } from './profile';
import { fingerprintOf, rememberInsertIds, seenFingerprints } from './seen-insert-ids';

/** How much each kind of event says about interest in a category. */
export const CATEGORY_WEIGHTS: Partial<Record<IngestedEvent['type'], number>> = {
  product_view: 1,
  add_to_cart: 3,
  purchase: 5,
};

/**
 * Largest size of a user's traits, as JSON in UTF-8. An identify may carry any traits the body holds
 * (up to 1 MiB); the profile item must stay under DynamoDB's 400 KB with room for everything else.
 */
export const MAX_TRAITS_BYTES = 64 * 1024;

/** An event the contract accepts but the profile cannot take; it must be parked with its reason, never dropped. */
export interface RefusedEvent {
  event: IngestedEvent;
  errors: FieldError[];
}

/** A fresh behaviour event the user's tracking consent did not allow at its time: not folded, archived or sent on. */
export interface UntrackedEvent {
  event: IngestedEvent;
  reason: NotTrackedReason;
}

export interface FoldOptions {
  /**
   * The deployment's tracking policy: behaviour events of a user not tracked at the event's time are left
   * out. Absent: every event is folded (for callers whose events were kept already, e.g. a rescore).
   */
  tracking?: TrackingPolicy;
}

export interface FoldResult {
  profile: Profile;
  /** The events that changed the profile, in client-time order; duplicates and refused events are left out. */
  applied: IngestedEvent[];
  /** Fresh events the fold could not use, each with the field at fault (see {@link refusalOf}). */
  refused: RefusedEvent[];
  /**
   * Fresh behaviour events left out for want of tracking consent. Their insertIds are not remembered: a
   * replay is judged again, with the same answer, because a statement only decides events after it (see
   * {@link trackingVerdict}); remembering them would push kept events out of the bounded dedup window.
   */
  untracked: UntrackedEvent[];
}

/**
 * Folds a user's events into their profile. Pure and deterministic: the same profile and events give
 * the same result, duplicates (by insertId) are ignored, and arrival order does not matter because
 * events are applied in client-time order and every field is either additive or "latest wins".
 */
export const foldProfile = (current: Profile, events: readonly IngestedEvent[], options: FoldOptions = {}): FoldResult => {
  const seen = seenFingerprints(current.seenInsertIds);
  const fresh: IngestedEvent[] = [];
  for (const event of [...events].sort(byClientTime)) {
    const fingerprint = fingerprintOf(event.insertId);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    fresh.push(event);
  }
  if (fresh.length === 0) return { profile: current, applied: [], refused: [], untracked: [] };

  let profile = withDefaults(structuredClone(current));
  const applied: IngestedEvent[] = [];
  const refused: RefusedEvent[] = [];
  const untracked: UntrackedEvent[] = [];
  for (const event of fresh) {
    // Decided on the profile as folded up to this event: "grant, then browse" in one batch is kept.
    const reason = notTrackedReason(profile, event, options.tracking);
    if (reason) {
      untracked.push({ event, reason });
      continue;
    }
    const errors = refusalOf(profile, event);
    if (errors) {
      refused.push({ event, errors });
      continue;
    }
    profile = applyEvent(profile, event);
    applied.push(event);
  }
  if (applied.length === 0) return { profile: current, applied, refused, untracked };
  profile.activityDays = pruneDays(profile.activityDays, ACTIVITY_DAYS_KEPT);
  profile.seenInsertIds = rememberInsertIds(current.seenInsertIds, applied.map((e) => e.insertId));
  return { profile, applied, refused, untracked };
};

const notTrackedReason = (profile: Profile, event: IngestedEvent, policy: TrackingPolicy | undefined): NotTrackedReason | undefined =>
  policy === undefined || isIdentityOrConsentEvent(event)
    ? undefined
    : trackingVerdict({ statement: profile.consent.tracking, traits: profile.traits, policy, at: event.timestamp });

/**
 * Why the profile cannot take an event the schema accepted, or undefined when it can. The schema checks
 * each number alone; these are the sums the profile would keep: an order total (quantity × price) or a
 * running spend beyond what the store keeps exactly would fail every write of the profile, and so would
 * traits that outgrow the item. Checked against the profile as folded so far, in client-time order.
 */
export const refusalOf = (profile: Profile, event: IngestedEvent): FieldError[] | undefined => {
  const props = event.properties ?? {};
  if (event.type === 'purchase') {
    const total = orderTotal(props.items ?? []);
    const spend = (profile.spend[props.currency ?? 'XXX'] ?? 0) + total;
    if (!isStorableNumber(total) || !isStorableNumber(spend)) {
      return [{ path: 'properties.items', code: 'INVALID_VALUE', message: 'the order total, or the spend it adds up to, is beyond the numbers a profile keeps' }];
    }
  }
  if (event.type === 'identify' && props.traits) {
    const bytes = Buffer.byteLength(JSON.stringify({ ...profile.traits, ...props.traits }));
    if (bytes > MAX_TRAITS_BYTES) {
      return [{ path: 'properties.traits', code: 'INVALID_VALUE', message: `would make the user's traits larger than ${MAX_TRAITS_BYTES} bytes` }];
    }
  }
  return undefined;
};

const orderTotal = (items: readonly { quantity: number; price: number }[]): number =>
  items.reduce((sum, item) => sum + item.quantity * item.price, 0);

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

  if (isCustomEvent(event)) profile.customEvents = foldCustomEvent(profile.customEvents ?? {}, event);

  if (event.type === 'purchase') {
    profile.lastPurchaseAt = latest(profile.lastPurchaseAt, at);
    const bought = (props.items ?? []).map((item) => item.category).filter((c): c is string => c !== undefined);
    if (bought.length > 0) profile.lastPurchaseByCategory = latestPurchaseByCategory(profile.lastPurchaseByCategory, bought, at);
    const currency = props.currency ?? 'XXX';
    profile.spend[currency] = roundCents((profile.spend[currency] ?? 0) + orderTotal(props.items ?? []));
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
  }
  for (const { purpose, granted, source, version } of consentStatementsOf(event)) {
    const previous = profile.consent[purpose];
    if (!isNewer(previous?.at, at)) continue;
    const since = previous?.granted === granted ? (previous.since ?? previous.at) : at;
    profile.consent[purpose] = { granted, at, since, source, ...(version !== undefined && { version }) };
  }
  return profile;
};

/** Client time; at the same instant, identity and consent first (a statement covers what happens as it is made), then insertId. */
const byClientTime = (a: IngestedEvent, b: IngestedEvent): number =>
  Date.parse(a.timestamp) - Date.parse(b.timestamp) || Number(isIdentityOrConsentEvent(b)) - Number(isIdentityOrConsentEvent(a)) || a.insertId.localeCompare(b.insertId);

const isNewer = (previous: string | undefined, candidate: string): boolean =>
  previous === undefined || Date.parse(candidate) >= Date.parse(previous);

const latest = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

const earliest = (a: string | undefined, b: string): string =>
  a === undefined || Date.parse(b) < Date.parse(a) ? b : a;

const roundCents = (amount: number): number => Math.round(amount * 100) / 100;
