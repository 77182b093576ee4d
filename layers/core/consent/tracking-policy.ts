import type { ConsentRecord } from '../profile/profile';

/** Whether behaviour is kept for a user who has made no tracking statement. */
export type TrackingDefault = 'opt-in' | 'opt-out';

export const TRACKING_DEFAULTS: readonly TrackingDefault[] = ['opt-in', 'opt-out'];

/** The trait a per-region override is read from (`identify.properties.traits.region`). */
export const REGION_TRAIT = 'region';

export interface TrackingPolicy {
  /** For users whose region has no override: `opt-in` (nothing kept before a grant; the GDPR/PIPL-safe default) or `opt-out`. */
  readonly default: TrackingDefault;
  /** Region trait value → its own rule, e.g. `{ "EU": "opt-in", "US": "opt-out" }`. */
  readonly byRegion: Readonly<Record<string, TrackingDefault>>;
}

export const DEFAULT_TRACKING_POLICY: TrackingPolicy = { default: 'opt-in', byRegion: {} };

/** Why a behaviour event was not kept (the `reason` dimension of `EventsNotTracked`). */
export type NotTrackedReason =
  /** No grant in force at the event's time (a refusal, a withdrawal, or no statement under opt-in). */
  | 'NO_TRACKING_CONSENT'
  /**
   * The event is older than the user's current tracking decision (`since` of the latest statement): the
   * profile keeps only the latest statement, so the one in force at the event's time is unknown and the
   * event is not kept.
   */
  | 'BEFORE_LATEST_STATEMENT';

/**
 * Whether a behaviour event at `at` may be kept, given the user's latest tracking statement (if any), traits
 * and the policy: undefined when it may, the reason when not. A statement whose run of equal statements
 * began at or before `at` decides; with none, the policy of the user's region (or the deployment's
 * default) does.
 */
export const trackingVerdict = (input: {
  readonly statement: ConsentRecord | undefined;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly policy: TrackingPolicy;
  readonly at: string;
}): NotTrackedReason | undefined => {
  const { statement, traits, policy, at } = input;
  if (statement) {
    if (Date.parse(statement.since ?? statement.at) > Date.parse(at)) return 'BEFORE_LATEST_STATEMENT';
    return statement.granted ? undefined : 'NO_TRACKING_CONSENT';
  }
  return policyFor(traits, policy) === 'opt-out' ? undefined : 'NO_TRACKING_CONSENT';
};

const policyFor = (traits: Readonly<Record<string, unknown>>, policy: TrackingPolicy): TrackingDefault => {
  const region = traits[REGION_TRAIT];
  return (typeof region === 'string' && Object.hasOwn(policy.byRegion, region) ? policy.byRegion[region] : undefined) ?? policy.default;
};

/**
 * Reads the policy from its two settings (`TRACKING_CONSENT`, `TRACKING_CONSENT_BY_REGION` of
 * process-events; `pipeline:trackingConsent`, `pipeline:trackingConsentByRegion` in the CDK app).
 * Throws a TypeError saying what is wrong.
 */
export const parseTrackingPolicy = (raw: { readonly default?: string; readonly byRegion?: string }): TrackingPolicy => {
  const fallback = raw.default === undefined ? DEFAULT_TRACKING_POLICY.default : asDefault(raw.default, 'must be opt-in or opt-out');
  if (raw.byRegion === undefined) return { default: fallback, byRegion: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.byRegion);
  } catch {
    throw new TypeError('must be a JSON object from region to opt-in or opt-out, e.g. {"EU":"opt-in","US":"opt-out"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('must be a JSON object from region to opt-in or opt-out');
  const byRegion = Object.fromEntries(Object.entries(parsed).map(([region, rule]) => [region, asDefault(rule, `region ${JSON.stringify(region)} must be opt-in or opt-out`)]));
  return { default: fallback, byRegion };
};

const asDefault = (value: unknown, reason: string): TrackingDefault => {
  if (TRACKING_DEFAULTS.includes(value as TrackingDefault)) return value as TrackingDefault;
  throw new TypeError(reason);
};
