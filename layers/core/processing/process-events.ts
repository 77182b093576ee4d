import type { DecodedEvent } from '../contract/decode-records';
import { ProfileVersionConflictError } from '../errors';
import type { IntentQueue, ProfileStore } from '../ports';
import { deriveProfile } from '../profile/derive-profile';
import { foldProfile } from '../profile/fold-profile';
import { emptyProfile, type Profile } from '../profile/profile';
import { evaluateTriggers } from '../triggers/evaluate-triggers';

export interface ProcessEventsInput {
  events: readonly DecodedEvent[];
  profiles: ProfileStore;
  intents: IntentQueue;
  /** Processing time: activity level, lifecycle stage and tags are derived as of now. */
  now: Date;
  /** Attempts per user when another writer keeps winning the version race. */
  maxAttempts?: number;
  /** Users written at once; bounds the concurrent requests a batch makes. */
  concurrency?: number;
}

export interface ProcessEventsResult {
  /** Profile keys whose events must be retried (their records go in the partial batch response). */
  failed: Map<string, unknown>;
  applied: number;
  duplicates: number;
  profilesWritten: number;
  versionConflicts: number;
  intentsSent: number;
}

/**
 * Folds a batch of events into profiles: one conditional write per user, intents kept in the profile's
 * outbox by that same write and sent after it, so a crash between the two loses nothing (the retry
 * finds the outbox and sends it; deliver deduplicates by message id).
 */
export const processEvents = async (input: ProcessEventsInput): Promise<ProcessEventsResult> => {
  const { profiles, intents, maxAttempts = 3, concurrency = 25 } = input;
  const byUser = groupBy(input.events, (e) => e.profileKey);
  const loaded = await profiles.loadMany([...byUser.keys()]);
  const result: ProcessEventsResult = {
    failed: new Map(),
    applied: 0,
    duplicates: 0,
    profilesWritten: 0,
    versionConflicts: 0,
    intentsSent: 0,
  };

  const users = [...byUser.entries()];
  for (let start = 0; start < users.length; start += concurrency) {
    await Promise.all(
      users.slice(start, start + concurrency).map(async ([userId, events]) => {
        try {
          await processUser(userId, events, loaded.get(userId));
        } catch (error) {
          result.failed.set(userId, error);
        }
      }),
    );
  }
  return result;

  async function processUser(userId: string, events: DecodedEvent[], first: Profile | undefined): Promise<void> {
    let current = first ?? emptyProfile(userId);
    for (let attempt = 1; ; attempt++) {
      const { profile: folded, applied } = foldProfile(current, events.map((e) => e.event));
      const profile = applied.length > 0 ? deriveProfile(folded, input.now) : folded;
      const next: Profile = { ...profile, outbox: [...current.outbox, ...evaluateTriggers(profile, applied)] };
      try {
        if (applied.length > 0) {
          next.version = current.version + 1;
          await profiles.save(next, current.version);
          result.profilesWritten++;
        }
        result.applied += applied.length;
        result.duplicates += events.length - applied.length;
        await flushOutbox(next);
        return;
      } catch (error) {
        if (!(error instanceof ProfileVersionConflictError) || attempt >= maxAttempts) throw error;
        result.versionConflicts++;
        current = (await profiles.load(userId)) ?? emptyProfile(userId);
      }
    }
  }

  async function flushOutbox(profile: Profile): Promise<void> {
    if (profile.outbox.length === 0) return;
    await intents.enqueue(profile.outbox);
    result.intentsSent += profile.outbox.length;
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
