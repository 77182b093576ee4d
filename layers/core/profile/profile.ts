import type { Channel, EventType } from '../contract/pipeline-event';
import type { Intent } from '../messaging/intent';
import type { TimerCommand } from '../triggers/timer';
import type { TriggerState } from '../triggers/trigger-state';
import type { ActivityLevel } from './activity';
import type { LifecycleStage } from './lifecycle';
import type { RfmScore } from './rfm';

export interface ConsentRecord {
  granted: boolean;
  /** Client time of the event that set it: the latest statement wins, whatever order events arrive in. */
  at: string;
  source: string;
}

export type Platform = 'ios' | 'android' | 'web';

/** One DynamoDB item per user. Plain data, so the fold stays pure and the adapter stays dumb. */
export interface Profile {
  userId: string;
  /** Optimistic-concurrency guard: every write expects the version it read. 0 = never written. */
  version: number;

  // Base
  firstSeenAt?: string;
  lastSeenAt?: string;
  lastPurchaseAt?: string;
  timeZone?: string;
  /** Base attributes the app sends with identify (age band, region, member level…). */
  traits: Record<string, unknown>;
  consent: Partial<Record<Channel, ConsentRecord>>;
  /** Where to reach the user; `sms.phoneNumber` is E.164 and, like the endpoint ARN, never logged. */
  channels: { push?: { endpointArn: string; at: string }; sms?: { phoneNumber: string; at: string } };

  // Behaviour, kept as additive counts so that any arrival order gives the same profile
  counters: Partial<Record<EventType, number>>;
  /** Interactions per UTC day (`YYYY-MM-DD`), the last {@link ACTIVITY_DAYS_KEPT} days before the newest. */
  activityDays: Record<string, number>;
  /** Interactions per UTC hour of day (24 entries). */
  hoursUtc: number[];
  platforms: Partial<Record<Platform, number>>;
  /** Interest per category: product view 1, add to cart 3, purchase 5. */
  categoryScores: Record<string, number>;

  // Value
  /** Money spent per ISO currency. */
  spend: Record<string, number>;

  // Derived at write time and nightly (see derive-profile.ts), for audiences and segments
  activityLevel?: ActivityLevel;
  lifecycleStage?: LifecycleStage;
  tags: string[];
  derivedAt?: string;
  rfm?: RfmScore;

  /** insertIds already folded in, newest last; bounded by {@link RECENT_INSERT_IDS_LIMIT}. */
  recentInsertIds: string[];
  /** Intents written with the profile and sent after it (transactional outbox). */
  outbox: Intent[];
  /** What the campaign triggers remember between batches (counts, recent starting and completing events). */
  triggers: TriggerState;
  /** Timer commands written with the profile and applied to the Timers table after it (like `outbox`). */
  timerOutbox: TimerCommand[];
}

/**
 * How many insertIds a profile remembers for deduplication. A retried client batch or a replayed
 * Kinesis batch repeats recent events, so a window of the latest ids catches them without a
 * second table write per event.
 */
export const RECENT_INSERT_IDS_LIMIT = 500;

/** Day buckets kept: enough for the 30-day activity window with room for late events. */
export const ACTIVITY_DAYS_KEPT = 35;

export const emptyProfile = (userId: string): Profile => ({
  userId,
  version: 0,
  traits: {},
  consent: {},
  channels: {},
  counters: {},
  activityDays: {},
  hoursUtc: Array.from({ length: 24 }, () => 0),
  platforms: {},
  categoryScores: {},
  spend: {},
  tags: [],
  recentInsertIds: [],
  outbox: [],
  triggers: { counts: {}, timers: {} },
  timerOutbox: [],
});

/** A stored item as a full profile: fields added after it was written get their empty value. */
export const withDefaults = (stored: Partial<Profile> & { userId: string }): Profile => ({
  ...emptyProfile(stored.userId),
  ...stored,
});
