import type { PoisonRecord } from './contract/decode-records';
import type { StreamRecord } from './contract/accept-batch';
import type { Intent } from './messaging/intent';
import type { SuppressionReason } from './messaging/decide-delivery';
import type { Profile } from './profile/profile';
import type { Campaign } from './campaigns/campaign';
import type { Timer, TimerCommand } from './triggers/timer';

/** Where profiles live. Implementations map their storage's conflict to {@link ProfileVersionConflictError}. */
export interface ProfileStore {
  load(userId: string): Promise<Profile | undefined>;
  loadMany(userIds: readonly string[]): Promise<Map<string, Profile>>;
  /** Writes the profile if, and only if, the stored one is still at `expectedVersion` (0 = absent). */
  save(profile: Profile, expectedVersion: number): Promise<void>;
  /** Empties the outbox if the profile is still at `version`; a newer writer will have flushed it itself. */
  clearOutbox(userId: string, version: number): Promise<void>;
}

/** The stream behind the ingest endpoint. Resolves only when every record is stored. */
export interface EventSink {
  put(records: readonly StreamRecord[]): Promise<void>;
}

/** The queue between triggers and delivery. Resolves only when every intent is enqueued. */
export interface IntentQueue {
  enqueue(intents: readonly Intent[]): Promise<void>;
}

/** Where records that can never be processed are parked, with their reason, for a human to look at. */
export interface PoisonSink {
  park(records: readonly PoisonRecord[]): Promise<void>;
}

export type MessageOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'suppressed'; reason: SuppressionReason };

/** The per-user log of every delivery decision; also the exactly-once guard for sends. */
export interface MessageLog {
  /** Claims the message id; false when it was claimed before (a redelivery), so nothing is sent twice. */
  claim(intent: Intent, at: Date): Promise<boolean>;
  record(intent: Intent, outcome: MessageOutcome, at: Date): Promise<void>;
  /** Gives a claim back after a send that surely failed, so the retry may send. */
  release(intent: Intent): Promise<void>;
}

export interface PushSender {
  /** Returns the provider's message id. */
  send(endpointArn: string, message: string): Promise<string>;
}

/** Fan-out of delivery outcomes (analytics, the console, audits). */
export interface DeliveryEvents {
  publish(intent: Intent, outcome: MessageOutcome, at: Date): Promise<void>;
}

/** The campaigns the functions act on: the active ones, as stored by the campaigns CLI. */
export interface CampaignSource {
  active(): Promise<readonly Campaign[]>;
}

/** A stored campaign with its state, as the campaigns CLI lists it. */
export interface StoredCampaign {
  campaign: Campaign;
  active: boolean;
  /** Incremented on every change. */
  version: number;
  updatedAt: string;
}

/** Where campaigns are kept (the Campaigns table); written only by the campaigns CLI. */
export interface CampaignStore extends CampaignSource {
  list(): Promise<StoredCampaign[]>;
  get(id: string): Promise<StoredCampaign | undefined>;
  /** Stores a new definition (inactive when new; an active campaign stays active with the new definition). */
  put(campaign: Campaign, at: Date): Promise<StoredCampaign>;
  setActive(id: string, active: boolean, at: Date): Promise<StoredCampaign>;
}

/** The Timers table. */
export interface TimerStore {
  /** Applies arm/cancel commands idempotently (see {@link TimerCommand}). */
  apply(commands: readonly TimerCommand[]): Promise<void>;
  /** Timers due at or before `now`, oldest first, at most `limit`. */
  due(now: Date, limit: number): Promise<Timer[]>;
  /** Removes a fired timer unless it was re-armed meanwhile (its armId changed); false when it was. */
  complete(timer: Timer): Promise<boolean>;
}

/** The recommendation model behind content slots (issue 6 brings Personalize and the hybrid model). */
export interface Recommender {
  /** Up to `count` product ids for the user, never one in `exclude`. */
  recommend(request: { userId: string; profile?: Profile; count: number; exclude?: readonly string[]; seedProductIds?: readonly string[] }): Promise<string[]>;
}
