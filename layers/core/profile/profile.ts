import type { ConsentPurpose, EventType } from '../contract/pipeline-event';
import type { Intent } from '../messaging/intent';
import type { TimerCommand } from '../triggers/timer';
import type { TriggerState } from '../triggers/trigger-state';
import type { ActivityLevel } from './activity';
import type { LifecycleStage } from './lifecycle';
import type { SealedField } from './contact-fields';
import type { CustomEventSummary } from './custom-events';
import type { RfmScore } from './rfm';
import { rememberInsertIds, RECENT_INSERT_IDS_LIMIT } from './seen-insert-ids';

export { RECENT_INSERT_IDS_LIMIT } from './seen-insert-ids';

export interface ConsentRecord {
  granted: boolean;
  /** Client time of the event that set it: the latest statement wins, whatever order events arrive in. */
  at: string;
  /** Where it was made: `identify`, `consent-banner`, `settings`, `sns-opt-out`… */
  source: string;
  /** The version of the text the user agreed to, when the app sent it. */
  version?: string;
  /**
   * Client time of the first of the unbroken run of statements with this `granted` that ends at `at`
   * (an app that restates consent at every start moves `at`, not `since`): what happened from `since` on
   * is known to fall under `granted`. Absent on records written before it: `at`.
   */
  since?: string;
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
  /** The latest statement per purpose (`tracking` and each channel); every statement is also a receipt in `Consents`. */
  consent: Partial<Record<ConsentPurpose, ConsentRecord>>;
  /**
   * Where to reach the user. Stored `sealed` (encrypted at field level, see contact-fields.ts); the
   * plain `phoneNumber` (E.164) and `endpointArn` exist only in memory: just folded from an identify,
   * or decrypted by deliver, or in items written before field encryption. Never logged.
   */
  channels: {
    push?: { endpointArn?: string; sealed?: SealedField; at: string };
    sms?: { phoneNumber?: string; sealed?: SealedField; at: string };
  };

  // Behaviour, kept as additive counts so that any arrival order gives the same profile
  /** Per event type, standard and custom. */
  counters: Partial<Record<EventType, number>> & Partial<Record<string, number>>;
  /** Interactions per UTC day (`YYYY-MM-DD`), the last {@link ACTIVITY_DAYS_KEPT} days before the newest. */
  activityDays: Record<string, number>;
  /** Interactions per UTC hour of day (24 entries). */
  hoursUtc: number[];
  platforms: Partial<Record<Platform, number>>;
  /** Interest per category: product view 1, add to cart 3, purchase 5. */
  categoryScores: Record<string, number>;
  /** Custom events by type (absent until the first): counts per day, first and last seen, the latest's values. */
  customEvents?: Record<string, CustomEventSummary>;
  /** The latest purchase per category (absent until the first purchase with categories). */
  lastPurchaseByCategory?: Record<string, string>;

  // Value
  /** Money spent per ISO currency. */
  spend: Record<string, number>;

  // Derived at write time and nightly (see derive-profile.ts), for audiences and segments
  activityLevel?: ActivityLevel;
  lifecycleStage?: LifecycleStage;
  tags: string[];
  derivedAt?: string;
  rfm?: RfmScore;

  /**
   * Fingerprints of the insertIds already folded in, 6 bytes each, newest last; the last
   * {@link RECENT_INSERT_IDS_LIMIT} at most (3,000 bytes), see seen-insert-ids.ts. Replaces the raw
   * `recentInsertIds` of older items (read by {@link withDefaults}).
   */
  seenInsertIds: Uint8Array;
  /**
   * Identity (docs/profiles.md, "Identity"). On a user's profile: the anonymous profile keys it absorbed,
   * newest last (at most MAX_ALIASES), so a merge is never applied twice and a data-subject request finds
   * them. On an absorbed anonymous profile (a tombstone, with no other data): the user its events go to.
   */
  aliases?: string[];
  mergedInto?: string;
  /** When the tombstone was written (processing time). */
  mergedAt?: string;
  /** Intents written with the profile and sent after it (transactional outbox). */
  outbox: Intent[];
  /** What the campaign triggers remember between batches (counts, recent starting and completing events). */
  triggers: TriggerState;
  /** Timer commands written with the profile and applied to the Timers table after it (like `outbox`). */
  timerOutbox: TimerCommand[];
}

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
  seenInsertIds: new Uint8Array(0),
  outbox: [],
  triggers: { counts: {}, timers: {} },
  timerOutbox: [],
});

/** How items written before `seenInsertIds` remembered insertIds: raw, newest last. */
interface LegacyFields {
  recentInsertIds?: string[];
}

/**
 * A stored item as a full profile: fields added after it was written get their empty value, and an older
 * item's raw `recentInsertIds` become fingerprints (the next write stores only those).
 */
export const withDefaults = (stored: Partial<Profile> & LegacyFields & { userId: string }): Profile => {
  const { recentInsertIds, ...current } = stored;
  const profile: Profile = { ...emptyProfile(stored.userId), ...current };
  if (!current.seenInsertIds && recentInsertIds) profile.seenInsertIds = rememberInsertIds(new Uint8Array(0), recentInsertIds.slice(-RECENT_INSERT_IDS_LIMIT));
  return profile;
};
