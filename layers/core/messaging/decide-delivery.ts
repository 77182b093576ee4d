import type { Profile } from '../profile/profile';
import type { Intent } from './intent';

/** Why a message was not sent; recorded in the message log and answered to "why didn't they get it?". */
export type SuppressionReason = 'NO_PROFILE' | 'NO_CONSENT' | 'CONSENT_WITHDRAWN' | 'NO_PUSH_ENDPOINT' | 'CHANNEL_NOT_SUPPORTED';

export type DeliveryDecision =
  | { send: true; channel: 'push'; endpointArn: string }
  | { send: false; reason: SuppressionReason };

/**
 * Decides, at send time, whether an intent may be delivered. Consent is checked against the profile as
 * it is now, not as it was when the intent was armed: a user who withdrew consent in between is not messaged.
 */
export const decideDelivery = (intent: Intent, profile: Profile | undefined): DeliveryDecision => {
  if (!profile) return { send: false, reason: 'NO_PROFILE' };
  if (intent.channel !== 'push') return { send: false, reason: 'CHANNEL_NOT_SUPPORTED' };
  const consent = profile.consent.push;
  if (!consent) return { send: false, reason: 'NO_CONSENT' };
  if (!consent.granted) return { send: false, reason: 'CONSENT_WITHDRAWN' };
  const endpointArn = profile.channels.push?.endpointArn;
  if (!endpointArn) return { send: false, reason: 'NO_PUSH_ENDPOINT' };
  return { send: true, channel: 'push', endpointArn };
};
