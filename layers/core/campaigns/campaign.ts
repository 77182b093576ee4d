import type { Channel, ConsentPurpose, CustomEventType, EventType } from '../contract/pipeline-event';
import type { LifecycleStage } from '../profile/lifecycle';

/**
 * A campaign as the functions use it, after `parseCampaign` has validated a file against
 * `events/schemas/campaign.schema.json` and turned its durations ("30m", "24h", "3d") into milliseconds.
 * The file is the source of truth; these types describe a value that passed it.
 */
export interface Campaign {
  /** Stable id (kebab-case): part of every message id and timer key, so never reuse one. */
  id: string;
  name: string;
  description?: string;
  /** Marketing messages count against the marketing cap; transactional ones (e.g. order updates) do not. */
  category: 'marketing' | 'transactional';
  trigger: Trigger;
  audience: Audience;
  /** Template per segment: the first whose `when` matches the profile wins; the one without `when` is the default. */
  content: ContentVariant[];
  /** In order of preference: the first channel the user can receive on is used (e.g. push, then SMS). */
  channels: Channel[];
  caps: CampaignCaps;
  /** How the message looks in the app when it goes out in-app; set, defaults applied, when `channels` has `in-app`. */
  inApp?: InAppSettings;
  /** How long after a message a purchase is its conversion (the funnel, the holdout); unset = {@link DEFAULT_ATTRIBUTION_WINDOW_MS}. */
  attributionWindowMs?: number;
  /** Targets the daily review reports attainment against. */
  goals?: CampaignGoals;
  /**
   * Staged rollout with a control group (docs/rollouts.md). Set, with its defaults, whenever the file has
   * `rollout` or `experiment`; such a campaign messages nobody until its rollout starts.
   */
  rollout?: RolloutPlan;
}

/** The default attribution window: a purchase within a day of the message (the rollouts' default too). */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 86_400_000;

export interface CampaignGoals {
  /** Conversions per message sent. */
  conversionRate?: number;
  /** Opens or clicks per message sent. */
  ctr?: number;
}

/** A campaign's rollout and experiment settings, defaults applied. */
export interface RolloutPlan {
  /** Percent of the audience exposed per stage, strictly increasing, ending at 100. */
  stages: number[];
  bakeMs: number;
  /** Share of exposed users held out as the persistent control group (0 < share ≤ 0.5). */
  controlShare: number;
  /** Users each arm needs before a stage is judged; fewer → the stage bakes again. */
  minimumPerArm: number;
  guardrail: { relativeDrop: number; alpha: number };
  attributionWindowMs: number;
  /** Two-sided level of the primary (always-valid) test. */
  alpha: number;
  srmAlpha: number;
  expectedConversion: number;
  minimumDetectableLift: number;
  /** A/B variants among treated users; one variant named `default` (no overrides) when the file has none. */
  variants: ExperimentVariant[];
}

export interface ExperimentVariant {
  name: string;
  weight: number;
  title?: string;
  body?: string;
  sms?: string;
  imageUrl?: string;
  deepLink?: string;
  /** Send-time variant: sent this long after the trigger (deferred until then). */
  delayMs?: number;
}

/** Matches one event: its type and optional conditions on its properties. */
export interface EventPattern {
  /** Standard or custom event types. */
  type: EventType | CustomEventType | (EventType | CustomEventType)[];
  /** Conditions on `properties.<field>` of the event, all of which must hold. */
  where?: Record<string, Condition>;
}

export type Condition =
  | { equals: string | number | boolean }
  | { in: (string | number)[] }
  | { gte: number }
  | { lte: number }
  | { exists: boolean };

/**
 * When a campaign fires for a user. Exactly one shape applies:
 * - `event` alone: fires on each matching event;
 * - `event` + `count`: fires when `count.atLeast` matching events fall within `count.withinMs`
 *   (then starts counting afresh);
 * - `event` + `unless`: arms a durable timer on a matching event, cancelled by an `unless.event` match
 *   (with the same `correlateOn` property value, when set) within `unless.withinMs`; fires when it expires;
 * - `event` + `afterMs`: arms a durable timer that fires `afterMs` after the matching event.
 * A repeated starting event re-arms (moves) the timer of the same key.
 */
export interface Trigger {
  /** Absent only for a `date` trigger. */
  event?: EventPattern;
  /** Fires on a date of the user's (a date trait) at a local time; exclusive of the other shapes. */
  date?: DateTrigger;
  /** A broadcast: everyone in the audience at a scheduled time, once or recurring; exclusive of the other shapes. */
  schedule?: BroadcastSchedule;
  /** Conditions on the profile at the time of the event (e.g. `lifecycleStage`). */
  profile?: Audience;
  count?: { atLeast: number; withinMs: number };
  unless?: { event: EventPattern; withinMs: number };
  afterMs?: number;
  /**
   * An event property that keys the timer (e.g. `productId`: one timer per viewed product, cancelled only
   * by adding that product to the cart). Without it there is one timer per user and campaign.
   */
  correlateOn?: string;
}

/**
 * "Birthday, 09:00 local", "membership expiry minus 7 days, 10:00 local": armed by the nightly run as a
 * durable timer (see date-triggers.ts), then delivered like any other intent.
 */
export interface DateTrigger {
  /** A trait holding a date: `YYYY-MM-DD`, or an ISO-8601 date-time whose date part is used. */
  trait: string;
  /** `year`: on the date's anniversary every year (a birthday); absent: once, on the date itself. */
  every?: 'year';
  /** Days after (positive) or before (negative) the date; 0 when absent. */
  offsetDays?: number;
  /** Local time in the user's time zone, `HH:MM`. */
  at: string;
}

/**
 * When a broadcast goes out: once (`at`) or on a cron schedule, read in each user's own time zone (the
 * default: "Friday 10:00 local") or in one `timeZone` for everybody. Fanned out by the Broadcast state
 * machine (docs/broadcasts.md).
 */
export interface BroadcastSchedule {
  /** Once: a local date and time, `YYYY-MM-DDTHH:MM`. */
  at?: string;
  /** Recurring: five cron fields (minute hour day-of-month month day-of-week), e.g. `0 10 * * FRI`. */
  cron?: string;
  /** One zone for everybody; absent: each user's own zone. */
  timeZone?: string;
}

/** Who may receive the campaign; every listed predicate must hold (an empty audience is everybody). */
export interface Audience {
  lifecycleStages?: LifecycleStage[];
  /** Profile tags: all of `tagsAll`, at least one of `tagsAny`, none of `tagsNone`. */
  tagsAll?: string[];
  tagsAny?: string[];
  tagsNone?: string[];
  /** RFM segment names (see docs/profiles.md). */
  rfmSegments?: string[];
  /** Identify traits: the user's value of each named trait is one of the listed ones (`region: [EU, UK]`). */
  traits?: Record<string, (string | number | boolean)[]>;
  /** Purposes the user has granted, all of them (`push`, `sms`, `email`, `tracking`). */
  consentGranted?: ConsentPurpose[];
  /** Bought within the last N days. */
  purchasedWithinDays?: number;
  /** No purchase in the last N days (or never). */
  noPurchaseForDays?: number;
  /** Not seen (no event) in the last N days. */
  inactiveForDays?: number;
  /** A custom event at least `atLeast` times in the last `days` UTC days (today included; at most 35). */
  eventCountWithin?: { event: string; atLeast: number; days: number };
  /** Bought in a category within the last `days` days. */
  purchasedInCategoryWithinDays?: { category: string; days: number };
  /** A scalar property of the latest event of a custom type meets a condition. */
  customEventValue?: { event: string; property: string; is: Condition };
  /** A date trait (ISO-8601) falls within the next `withinDays` days, e.g. a membership that expires soon. */
  dateTraitWithin?: { trait: string; withinDays: number };
  /**
   * An imported segment: the user ids of `segments/<name>.csv` in the Reports bucket (`npm run segments --
   * import`). Broadcasts only: the fan-out reads the list; a triggered campaign cannot use one.
   */
  importedSegment?: string;
  /** A saved segment (events/segments/<id>.yaml) whose predicates are added to these; resolved when the campaign is loaded. */
  segment?: string;
  /** The segment a loaded campaign's predicates came from (set by resolution, for people reading it). */
  fromSegment?: string;
}

export interface ContentVariant {
  /** Segment this variant is for; absent = the default. */
  when?: Audience;
  /** Name of the variant, recorded with the message (e.g. `new-users`, `high-value`, `default`). */
  name: string;
  title: string;
  /** Placeholders: `{{firstName}}`, `{{coupon}}`, `{{product1}}`… filled at send time. */
  body: string;
  /** Text for SMS, which has no title; defaults to `title: body`. */
  sms?: string;
  coupon?: string;
  /** Recommended items to fill in (0 = none). */
  recommendations: number;
  deepLink?: string;
  /** A rich-push image (https); set by an experiment variant. */
  imageUrl?: string;
}

/** The in-app channel's own content fields (title, body and deep link come from the content variant). */
export interface InAppSettings {
  /** `inbox`, or the name of a banner slot the app shows (`home-top`, `cart`). */
  slot: string;
  /** Banners within a slot: highest first, then newest. */
  priority: number;
  imageUrl?: string;
  /** The message leaves the inbox this long after it was sent. */
  expiresAfterMs: number;
}

export const INBOX_SLOT = 'inbox';

export const DEFAULT_IN_APP: InAppSettings = { slot: INBOX_SLOT, priority: 0, expiresAfterMs: 7 * 86_400_000 };

export interface CampaignCaps {
  /** At most one message of this campaign per user within this window (e.g. 7 days). */
  oncePerMs: number;
}
