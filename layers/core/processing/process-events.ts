import type { DecodedEvent } from '../contract/decode-records';
import type { IngestedEvent } from '../contract/pipeline-event';
import type { FieldError } from '../contract/validate-event';
import { ProfileVersionConflictError } from '../errors';
import { receiptsOf } from '../consent/consent-statements';
import type { NotTrackedReason, TrackingPolicy } from '../consent/tracking-policy';
import type { CampaignSource, ConsentReceipts, EventArchive, IntentQueue, ProfileStore, TimerStore } from '../ports';
import { deriveProfile } from '../profile/derive-profile';
import { foldProfile, type FoldResult } from '../profile/fold-profile';
import { emptyProfile, type Profile } from '../profile/profile';
import { evaluateTriggers } from '../triggers/evaluate-triggers';
import { linkedAnonymousKeys } from '../identity/identity-links';
import { absorbLinked } from './absorb-linked';

export interface ProcessEventsInput {
  events: readonly DecodedEvent[];
  profiles: ProfileStore;
  intents: IntentQueue;
  /** The active campaigns whose triggers the events are evaluated against (read once per batch). */
  campaigns: CampaignSource;
  timers: TimerStore;
  /** Every consent statement of an event new to its profile is kept here, before the profile write. */
  consents: ConsentReceipts;
  /**
   * Where the accepted events (new to their profile: tracked behaviour, identity, consent) are archived,
   * before any profile write: a crash in between re-archives them on the retry (at-least-once; readers
   * deduplicate by insertId), never loses them.
   */
  archive: EventArchive;
  /** Behaviour events of a user not tracked at the event's time are left out (see tracking-policy.ts). */
  tracking: TrackingPolicy;
  /** Processing time: activity level, lifecycle stage and tags are derived as of now. */
  now: Date;
  /** Attempts per user when another writer keeps winning the version race. */
  maxAttempts?: number;
  /** Users written at once; bounds the concurrent requests a batch makes. */
  concurrency?: number;
}

/** A record the fold refused (see `refusalOf`): the handler parks it in the events DLQ as `UNUSABLE`. */
export interface RefusedRecord {
  sequenceNumber: string;
  profileKey: string;
  errors: FieldError[];
}

export interface ProcessEventsResult {
  /** Profile keys whose events must be retried (their records go in the partial batch response). */
  failed: Map<string, unknown>;
  /** Records of users written (or with nothing to write) that the profile could not take: to park, never to drop. */
  refused: RefusedRecord[];
  applied: number;
  /** The events applied (new to their profile), for what counts each event once (the behaviour counters). */
  appliedEvents: IngestedEvent[];
  duplicates: number;
  /**
   * Behaviour events left out for want of tracking consent: not folded, triggering, attributed, sent to
   * Personalize or archived. The same event objects as in the input, so callers can leave them out too.
   */
  untrackedEvents: Set<IngestedEvent>;
  /** {@link untrackedEvents} counted by reason. */
  notTracked: Partial<Record<NotTrackedReason, number>>;
  /** Firehose records and bytes of the archive puts (ingestion is billed per record, in 5 KB steps). */
  archived: { events: number; records: number; bytes: number };
  /** Consent receipts written (a replayed statement's receipt is there already and not counted). */
  receiptsWritten: number;
  profilesWritten: number;
  /** Anonymous profiles absorbed into a user's (identity merges), each once. */
  profilesMerged: number;
  /** Events of an absorbed anonymous profile that were processed on its user's profile instead. */
  eventsRedirected: number;
  versionConflicts: number;
  /** Intents the triggers decided on in this batch (to send now). */
  triggersFired: number;
  /** Intents enqueued, including any left in an outbox by an earlier, interrupted run. */
  intentsSent: number;
  /** Timer arm commands applied to the Timers table (an arm older than the stored one changes nothing). */
  timersArmed: number;
  /** Timer cancel commands applied (a cancel that finds no timer it completes changes nothing). */
  timersCancelled: number;
  /** Starting events that arrived too late to arm their timer. */
  staleTriggers: number;
}

/**
 * Folds a batch of events into profiles and evaluates the active campaigns' triggers on the events that
 * were new: one conditional write per user, which also stores the trigger state and two outboxes (intents
 * to enqueue, timer commands to apply). Both outboxes are flushed after the write and cleared only when
 * flushed, so a crash between the two loses nothing: the retry finds them and flushes them again, and
 * flushing twice is harmless (deliver deduplicates by message id, timer commands are idempotent).
 */
export const processEvents = async (input: ProcessEventsInput): Promise<ProcessEventsResult> => {
  const { profiles, intents, timers, maxAttempts = 3, concurrency = 25 } = input;
  const byUser = groupBy(input.events, (e) => e.profileKey);
  const result: ProcessEventsResult = {
    failed: new Map(),
    refused: [],
    applied: 0,
    appliedEvents: [],
    duplicates: 0,
    untrackedEvents: new Set(),
    notTracked: {},
    receiptsWritten: 0,
    archived: { events: 0, records: 0, bytes: 0 },
    profilesWritten: 0,
    profilesMerged: 0,
    eventsRedirected: 0,
    versionConflicts: 0,
    triggersFired: 0,
    intentsSent: 0,
    timersArmed: 0,
    timersCancelled: 0,
    staleTriggers: 0,
  };
  if (byUser.size === 0) return result;
  const [loaded, campaigns] = await Promise.all([profiles.loadMany([...byUser.keys()]), input.campaigns.active()]);
  await redirectAbsorbed(byUser, loaded);

  const users = [...byUser.entries()];
  const tracking = { tracking: input.tracking };
  // Every user's first fold, so the batch's accepted events go to the archive in one put, before any write.
  // (Not for a user whose events link an anonymous profile: they fold into the merged profile, and are
  // archived then, as it decides what is tracked.)
  const firstFolds = new Map(
    users
      .filter(([userId, events]) => linkedAnonymousKeys(loaded.get(userId) ?? emptyProfile(userId), events.map((e) => e.event)).length === 0)
      .map(([userId, events]) => [userId, foldProfile(loaded.get(userId) ?? emptyProfile(userId), events.map((e) => e.event), tracking)]),
  );
  const archived = new Set<IngestedEvent>();
  try {
    await archiveNew([...firstFolds.values()].flatMap((fold) => fold.applied));
  } catch (error) {
    for (const [userId] of users) result.failed.set(userId, error);
    return result;
  }
  for (let start = 0; start < users.length; start += concurrency) {
    await Promise.all(
      users.slice(start, start + concurrency).map(async ([userId, events]) => {
        try {
          await processUser(userId, events, loaded.get(userId), firstFolds.get(userId));
        } catch (error) {
          // Keyed as the records are: a redirected anonymous key fails with its user.
          for (const key of new Set([userId, ...events.map((e) => e.profileKey)])) result.failed.set(key, error);
        }
      }),
    );
  }
  return result;

  /**
   * Events of anonymous profiles absorbed by a user go to the user's group (one hop: only anonymous
   * profiles are absorbed, and only by users), whose profile is loaded if the batch had none of it.
   */
  async function redirectAbsorbed(groups: Map<string, DecodedEvent[]>, loadedProfiles: Map<string, Profile>): Promise<void> {
    const absorbed = [...loadedProfiles.values()].filter((profile) => profile.mergedInto !== undefined);
    for (const { userId, mergedInto } of absorbed) {
      const events = groups.get(userId) ?? [];
      groups.delete(userId);
      groups.set(mergedInto!, [...(groups.get(mergedInto!) ?? []), ...events]);
      loadedProfiles.delete(userId);
      result.eventsRedirected += events.length;
    }
    const missing = [...new Set(absorbed.map((profile) => profile.mergedInto!))].filter((userId) => !loadedProfiles.has(userId));
    if (missing.length > 0) for (const [userId, profile] of await profiles.loadMany(missing)) loadedProfiles.set(userId, profile);
  }

  async function processUser(userId: string, events: DecodedEvent[], first: Profile | undefined, firstFold: FoldResult | undefined): Promise<void> {
    let current = first ?? emptyProfile(userId);
    for (let attempt = 1; ; attempt++) {
      if (current.mergedInto !== undefined) {
        // Absorbed by a user since it was read (a version conflict with the merge): the events are the user's.
        result.eventsRedirected += events.length;
        return processUser(current.mergedInto, events, await profiles.load(current.mergedInto), undefined);
      }
      // Absorbed first, so the events fold into the merged profile: the consent the device gave covers them.
      const absorption = await absorbLinked({ profile: current, events: events.map((e) => e.event), profiles, consents: input.consents, now: input.now });
      const base = absorption?.profile ?? current;
      const { profile: folded, applied, refused, untracked } = (attempt === 1 && !absorption && firstFold) || foldProfile(base, events.map((e) => e.event), tracking);
      let next: Profile = folded;
      let fired = { intents: 0, stale: 0 };
      const changed = applied.length > 0 || absorption !== undefined;
      if (changed) {
        const profile = deriveProfile(folded, input.now);
        const triggered = evaluateTriggers({ campaigns, profile, applied, now: input.now });
        // The merged profile's outboxes hold the anonymous profile's unflushed ones too.
        next = {
          ...profile,
          triggers: triggered.state,
          outbox: [...base.outbox, ...triggered.intents],
          timerOutbox: [...base.timerOutbox, ...triggered.timers, ...(absorption?.timerMoves ?? [])],
        };
        fired = { intents: triggered.intents.length, stale: triggered.stale };
      }
      try {
        // Before the profile write: once the profile remembers the insertIds, a replay would not record them.
        // (A refold after a version conflict can apply what the first fold did not: archived here.)
        await archiveNew(applied);
        const { written } = await input.consents.record(userId, applied.flatMap(receiptsOf));
        if (changed) {
          next.version = current.version + 1;
          if (absorption) await profiles.saveMerged(next, current.version, absorption.tombstones);
          else await profiles.save(next, current.version);
          result.profilesWritten++;
          result.profilesMerged += absorption?.tombstones.length ?? 0;
        }
        result.applied += applied.length;
        result.appliedEvents.push(...applied);
        result.duplicates += events.length - applied.length - refused.length - untracked.length;
        result.receiptsWritten += written;
        for (const { event, reason } of untracked) {
          result.untrackedEvents.add(event);
          result.notTracked[reason] = (result.notTracked[reason] ?? 0) + 1;
        }
        const refusedEvents = new Map(refused.map((r) => [r.event, r.errors]));
        for (const { sequenceNumber, profileKey, event } of events) {
          const errors = refusedEvents.get(event);
          if (errors) result.refused.push({ sequenceNumber, profileKey, errors });
        }
        result.triggersFired += fired.intents;
        result.staleTriggers += fired.stale;
        await flushOutboxes(next);
        return;
      } catch (error) {
        if (!(error instanceof ProfileVersionConflictError) || attempt >= maxAttempts) throw error;
        result.versionConflicts++;
        current = (await profiles.load(userId)) ?? emptyProfile(userId);
      }
    }
  }

  async function archiveNew(applied: readonly IngestedEvent[]): Promise<void> {
    const fresh = applied.filter((event) => !archived.has(event));
    if (fresh.length === 0) return;
    const { records, bytes } = await input.archive.put(fresh);
    for (const event of fresh) archived.add(event);
    result.archived.events += fresh.length;
    result.archived.records += records;
    result.archived.bytes += bytes;
  }

  async function flushOutboxes(profile: Profile): Promise<void> {
    const { outbox, timerOutbox } = profile;
    if (outbox.length === 0 && timerOutbox.length === 0) return;
    if (timerOutbox.length > 0) {
      await timers.apply(timerOutbox);
      for (const command of timerOutbox) {
        if (command.op === 'arm') result.timersArmed++;
        else if (command.op === 'cancel') result.timersCancelled++;
      }
    }
    if (outbox.length > 0) {
      await intents.enqueue(outbox);
      result.intentsSent += outbox.length;
    }
    await profiles.clearOutbox(profile.userId, profile.version);
  }
};

const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};
