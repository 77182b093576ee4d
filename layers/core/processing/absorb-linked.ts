import { linkedAnonymousKeys } from '../identity/identity-links';
import { MAX_ALIASES, mergeProfiles, tombstoneOf } from '../identity/merge-profiles';
import type { IngestedEvent } from '../contract/pipeline-event';
import type { ConsentReceipts, ProfileStore } from '../ports';
import type { Profile } from '../profile/profile';
import type { TimerCommand } from '../triggers/timer';

export interface Absorption {
  /** The user's profile with the anonymous profiles folded in (see mergeProfiles). */
  profile: Profile;
  /** To write with it, in one transaction. */
  tombstones: { profile: Profile; expectedVersion: number }[];
  /** To apply after the write, through the timer outbox: the anonymous profiles' timers become the user's. */
  timerMoves: TimerCommand[];
}

/**
 * Absorbs the anonymous profiles a user's identify or login events link to the user (see
 * identity-links.ts): each is merged in and replaced by a tombstone that sends its later events to the
 * user, its consent receipts are copied to the user's history, and its timers are moved. Undefined when
 * the events link nothing new.
 *
 * An anonymous id claimed by one user stays that user's: a second user logging in on the same device
 * takes none of its history (a shared device's earlier browse is not evidence about the second person).
 * An id nobody has used yet gets its tombstone all the same, so its later events still land on the user.
 */
export const absorbLinked = async (input: {
  profile: Profile;
  /** The batch's events of the user (a replayed link finds its tombstone, or its alias, and merges nothing). */
  events: readonly IngestedEvent[];
  profiles: Pick<ProfileStore, 'load'>;
  consents: ConsentReceipts;
  now: Date;
}): Promise<Absorption | undefined> => {
  const keys = linkedAnonymousKeys(input.profile, input.events);
  if (keys.length === 0) return undefined;
  const absorption: Absorption = { profile: input.profile, tombstones: [], timerMoves: [] };
  for (const key of keys) {
    const anonymous = await input.profiles.load(key);
    if (anonymous?.mergedInto !== undefined) continue;
    if (anonymous) {
      await copyReceipts(input.consents, key, input.profile.userId);
      absorption.profile = mergeProfiles(absorption.profile, anonymous);
      absorption.timerMoves.push({ op: 'move', userId: key, toUserId: input.profile.userId });
    } else {
      absorption.profile = { ...absorption.profile, aliases: [...(absorption.profile.aliases ?? []), key].slice(-MAX_ALIASES) };
    }
    const tombstone = tombstoneOf(anonymous ?? { userId: key, version: 0 }, input.profile.userId, input.now);
    absorption.tombstones.push({ profile: tombstone, expectedVersion: anonymous?.version ?? 0 });
  }
  return absorption.tombstones.length > 0 ? absorption : undefined;
};

/** The anonymous profile's consent receipts, recorded again for the user (idempotent: same receipt keys). */
const copyReceipts = async (consents: ConsentReceipts, from: string, to: string): Promise<void> => {
  const receipts = await consents.history(from);
  if (receipts.length === 0) return;
  await consents.record(to, receipts.map(({ userId: _userId, receipt: _receipt, ...statement }) => statement));
};
