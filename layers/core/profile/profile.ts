import type { Channel, EventType } from '../contract/pipeline-event';
import type { Intent } from '../messaging/intent';

export interface ConsentRecord {
  granted: boolean;
  /** Client time of the event that set it: the latest statement wins, whatever order events arrive in. */
  at: string;
  source: string;
}

/** One DynamoDB item per user. Plain data, so the fold stays pure and the adapter stays dumb. */
export interface Profile {
  userId: string;
  /** Optimistic-concurrency guard: every write expects the version it read. 0 = never written. */
  version: number;
  firstSeenAt?: string;
  lastSeenAt?: string;
  lastPurchaseAt?: string;
  timeZone?: string;
  traits: Record<string, unknown>;
  consent: Partial<Record<Channel, ConsentRecord>>;
  channels: { push?: { endpointArn: string; at: string } };
  counters: Partial<Record<EventType, number>>;
  /** Money spent per ISO currency. */
  spend: Record<string, number>;
  /** insertIds already folded in, newest last; bounded by {@link RECENT_INSERT_IDS_LIMIT}. */
  recentInsertIds: string[];
  /** Intents written with the profile and sent after it (transactional outbox). */
  outbox: Intent[];
}

/**
 * How many insertIds a profile remembers for deduplication. A retried client batch or a replayed
 * Kinesis batch repeats recent events, so a window of the latest ids catches them without a
 * second table write per event.
 */
export const RECENT_INSERT_IDS_LIMIT = 500;

export const emptyProfile = (userId: string): Profile => ({
  userId,
  version: 0,
  traits: {},
  consent: {},
  channels: {},
  counters: {},
  spend: {},
  recentInsertIds: [],
  outbox: [],
});
