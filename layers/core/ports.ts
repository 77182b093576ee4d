import type { InboxMessage, InboxStateField } from './inbox/inbox-message';
import type { PoisonRecord } from './contract/decode-records';
import type { StreamRecord } from './contract/accept-batch';
import type { Intent } from './messaging/intent';
import type { DeferralReason, SuppressionReason } from './messaging/decide-delivery';
import type { CapsState, DecisionRecord, LedgerView } from './messaging/ledger';
import type { Channel, IngestedEvent } from './contract/pipeline-event';
import type { Profile } from './profile/profile';
import type { Campaign } from './campaigns/campaign';
import type { Timer, TimerCommand } from './triggers/timer';
import type { Interaction } from './recommendations/interaction';
import type { RunCounts } from './rollouts/arm-counts';
import type { Exposure } from './rollouts/exposure';
import type { RolloutState } from './rollouts/rollout-state';
import type { Order } from './kpis/attribute-touches';
import type { FunnelFacts, KpiIncrement, MeasurementFacts, Touch } from './kpis/funnel';
import type { SentRef } from './kpis/delivery-status';
import type { ConsentReceipt, ConsentStatement } from './consent/consent-statements';

/** Where profiles live. Implementations map their storage's conflict to {@link ProfileVersionConflictError}. */
export interface ProfileStore {
  load(userId: string): Promise<Profile | undefined>;
  loadMany(userIds: readonly string[]): Promise<Map<string, Profile>>;
  /** Writes the profile if, and only if, the stored one is still at `expectedVersion` (0 = absent). */
  save(profile: Profile, expectedVersion: number): Promise<void>;
  /**
   * Writes the user's profile and the tombstones of the anonymous profiles it absorbed, all or nothing,
   * each only if still at its expected version (0 = absent): a merge is applied once, and never over a
   * write it did not see. Throws ProfileVersionConflictError otherwise.
   */
  saveMerged(profile: Profile, expectedVersion: number, tombstones: readonly { profile: Profile; expectedVersion: number }[]): Promise<void>;
  /** Empties the outboxes (intents and timer commands) if the profile is still at `version`; a newer writer will have flushed them itself. */
  clearOutbox(userId: string, version: number): Promise<void>;
}

/**
 * Field-level encryption of contact addresses. The encryption context binds a ciphertext to its user
 * and field: decrypting with another context fails.
 */
export interface FieldCipher {
  encrypt(plaintext: string, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Promise<string>;
}

/**
 * The append-only history of consent statements (the `Consents` table): one receipt per purpose per
 * statement, keyed by statement time, purpose and insertId, so recording a replayed statement again
 * changes nothing. Resolves only when every receipt is stored.
 */
export interface ConsentReceipts {
  /** `recordedAt`: when the pipeline received the statement (the event's `receivedAt`), so a replay writes the same receipt. */
  record(userId: string, statements: readonly (ConsentStatement & { readonly recordedAt: string })[]): Promise<{ readonly written: number }>;
  /** The user's receipts, oldest statement first. */
  history(userId: string): Promise<ConsentReceipt[]>;
}

/**
 * The events archive (S3 through Firehose): the events process-events accepted, as JSON lines. Resolves
 * only when every event is taken; at-least-once, so readers deduplicate by insertId.
 */
export interface EventArchive {
  /** `records` and `bytes`: what the delivery stream bills (per record, in 5 KB steps). */
  put(events: readonly IngestedEvent[]): Promise<{ readonly records: number; readonly bytes: number }>;
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

/** A delivery decision as announced on the DeliveryEvents topic (ids and reasons only, never an address). */
export type MessageOutcome =
  | { status: 'sent'; providerMessageId: string; channel?: Channel; variant?: string }
  | { status: 'suppressed'; reason: SuppressionReason; detail?: string }
  | { status: 'deferred'; reason: DeferralReason; until: string }
  /** The provider's answer never came: counted as sent (at most once), not retried. */
  | { status: 'unconfirmed'; channel?: Channel };

export interface PushSender {
  /** Returns the provider's message id. */
  send(endpointArn: string, message: string): Promise<string>;
}

/** SMS through SNS (`PhoneNumber`). */
export interface SmsSender {
  /** Returns the provider's message id. `Transactional` is for transactional campaigns, `Promotional` for marketing. */
  send(phoneNumber: string, text: string, smsType: 'Transactional' | 'Promotional'): Promise<string>;
}

/** The account's SMS opt-out list (SNS `CheckIfPhoneNumberIsOptedOut`): a user who replied STOP is never texted. */
export interface SmsOptOuts {
  isOptedOut(phoneNumber: string): Promise<boolean>;
}

/**
 * The Messages table as deliver's exactly-once ledger: one decision per message id, and each user's
 * recent sends (the caps) written in the same transaction as a send decision.
 */
export interface DeliveryLedger {
  /** The message's decision, if any, and the user's caps (strongly consistent). */
  read(userId: string, messageId: string): Promise<LedgerView>;
  /**
   * Records a decision that sends nothing (suppressed, deferred) unless the message was decided before
   * (a deferred or failed message may be decided again). `decided-before`: another delivery of it got there first.
   */
  record(decision: DecisionRecord, facts?: MeasurementFacts): Promise<'recorded' | 'decided-before'>;
  /**
   * Atomically records a send decision (`sending`) and writes the user's sends (`caps.sends`, the new one
   * included), only if the message was not decided before and the caps are still at `caps.version`.
   */
  commitSend(decision: DecisionRecord, caps: CapsState, facts?: MeasurementFacts): Promise<'committed' | 'decided-before' | 'caps-changed'>;
  /** The publish's outcome for a committed send. */
  /** `sent`: where SNS's delivery status of the message will be counted (its funnel cell). */
  confirm(userId: string, messageId: string, outcome: { status: 'sent' | 'unconfirmed'; providerMessageId?: string; at: Date }, sent?: SentRef): Promise<void>;
  /**
   * Undoes a committed (`sending`) send that surely did not happen: the send leaves the caps and the
   * decision becomes `replacement` (`failed`, which the retry may decide again, or a suppression).
   */
  giveBack(replacement: DecisionRecord, at: Date): Promise<void>;
}

/**
 * The touches of the campaign funnel (sends and holdout decisions, kept for their attribution window),
 * written by the ledger with each decision. Every write is conditional on the touch and carries its
 * counters in the same transaction, so an outcome counts once however often its event is replayed.
 */
export interface TouchLog {
  /** The user's touches still in their attribution window (strongly consistent). */
  touchesOf(userId: string): Promise<Touch[]>;
  /**
   * The first open (push, SMS click, in-app click) or, for `impressionAt`, the first in-app impression
   * of a sent message; false when it was counted before.
   */
  recordOpen(touch: Touch, at: string, increment: KpiIncrement, field?: 'openedAt' | 'impressionAt'): Promise<boolean>;
  /** An order attributed to a touch (`first`: it converts the touch); false when counted before. */
  recordOrder(touch: Touch, order: Order, at: string, first: boolean, increment: KpiIncrement): Promise<boolean>;
}

/** The per-channel send schedule every deliver container shares (see `rate-limit.ts`). */
export interface SlotReserver {
  /** Reserves up to `count` send times no later than `deadline`, in order; fewer when the rate is exhausted. */
  reserve(channel: Channel, count: number, now: Date, deadline: Date): Promise<{ slots: Date[]; retryAfterMs: number }>;
}

/** Fan-out of delivery outcomes (analytics, the console, audits). */
export interface DeliveryEvents {
  /** `funnel`: where a final decision counts in the campaign funnel (absent for deferrals). */
  publish(intent: Intent, outcome: MessageOutcome, at: Date, funnel?: FunnelFacts): Promise<void>;
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

/**
 * Where interactions go as they happen (Amazon Personalize's event tracker), besides the archive the
 * nightly training reads. Best effort: it resolves with what was not taken instead of throwing.
 */
export interface InteractionSink {
  send(interactions: readonly Interaction[]): Promise<{ sent: number; failed: number }>;
}

/** What deliver needs of a campaign's rollout: who is exposed now. */
export interface RolloutExposureSource {
  /** The running rollout's run and exposure; undefined when none was started (nobody is exposed). */
  exposureOf(campaignId: string): Promise<{ runId: string; exposurePercent: number } | undefined>;
}

/** Exposures and their outcomes, counted atomically per arm of a rollout run. */
export interface ExposureLog {
  /**
   * Records the user's exposure in the run and counts it in its arm, once per user and run
   * (`seen-before`: the user was exposed earlier in the run; the message id is added, nothing counted).
   */
  recordExposure(exposure: Exposure): Promise<'recorded' | 'seen-before'>;
  /** The user's exposures (all campaigns, latest run of each). */
  exposuresOf(userId: string): Promise<Exposure[]>;
  /** Marks the exposure converted (or clicked) and counts it in its arm, at most once; false when it already was. */
  recordOutcome(exposure: Exposure, outcome: 'converted' | 'clicked', at: string): Promise<boolean>;
}

/** The rollouts' state and counters (the Experiments table), as the state machine's steps and the CLI use them. */
export interface RolloutStore {
  load(campaignId: string): Promise<RolloutState | undefined>;
  /** Writes the state if the stored one is still at `expectedVersion` (0 = none); `RolloutVersionConflictError` otherwise. */
  save(state: RolloutState, expectedVersion: number): Promise<void>;
  counts(campaignId: string, runId: string): Promise<RunCounts>;
}

/** The in-app inbox (the Inbox table): one partition per user; see layers/core/inbox/inbox-message.ts for its keys. */
export interface InboxStore {
  /** Stores a message deliver sent; the same message again writes the same item (idempotent). */
  put(message: InboxMessage): Promise<void>;
  /** Inbox items newest first: at most `limit` read, starting after the sort key `after`; `next` when more remain. */
  page(userId: string, limit: number, after?: string): Promise<{ messages: InboxMessage[]; next?: string }>;
  /** The user's banners, of one slot or all. */
  banners(userId: string, slot?: string): Promise<InboxMessage[]>;
  get(userId: string, sortKey: string): Promise<InboxMessage | undefined>;
  /** Sets each field to `at` unless already set (the first time counts); the message as it is after. */
  mark(userId: string, sortKey: string, fields: readonly InboxStateField[], at: Date): Promise<InboxMessage | undefined>;
}
