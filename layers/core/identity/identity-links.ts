import type { EventType, IngestedEvent } from '../contract/pipeline-event';
import { profileKeyOf } from '../contract/pipeline-event';
import type { Profile } from '../profile/profile';

/**
 * The events that say "this anonymous id is this user": an identify or a login that carries both ids.
 * Any other event with both ids is keyed by its userId and links nothing: only these two are statements
 * of identity that an app makes on purpose.
 */
export const LINKING_EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(['identify', 'login']);

/**
 * The anonymous profile keys a user's events link to the user, each once, leaving out those the profile
 * absorbed already (its `aliases`): a replayed identify merges nothing.
 */
export const linkedAnonymousKeys = (profile: Pick<Profile, 'userId' | 'aliases'>, events: readonly IngestedEvent[]): string[] => {
  const absorbed = new Set(profile.aliases ?? []);
  const keys = events
    .filter((event) => LINKING_EVENT_TYPES.has(event.type) && event.userId === profile.userId && event.anonymousId !== undefined)
    .map((event) => profileKeyOf({ anonymousId: event.anonymousId }));
  return [...new Set(keys)].filter((key) => key !== profile.userId && !absorbed.has(key));
};
