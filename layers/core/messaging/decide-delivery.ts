import type { Campaign } from '../campaigns/campaign';
import { matchesAudience } from '../campaigns/match-audience';
import { isAnonymousProfileKey, type Channel } from '../contract/pipeline-event';
import type { Profile } from '../profile/profile';
import { CAP_WINDOW_MS, keepsQuietHours, type DeliveryPolicy, type SendChannel } from './delivery-policy';
import type { Intent } from './intent';
import type { SendRecord } from './ledger';
import { isKnownMinor } from './minors';
import { isKnownTimeZone, isQuietAt, nextAllowedAt } from './quiet-hours';

/**
 * Why a message was not sent; recorded in the message log and answered to "why didn't they get it?".
 * docs/delivery.md has the table, in the order the checks run.
 */
export type SuppressionReason =
  | 'NO_PROFILE'
  | 'CAMPAIGN_NOT_ACTIVE'
  | 'NOT_IN_AUDIENCE'
  // Marketing to a user the profile says is under the minimum age (birth date or age band)
  | 'MINOR'
  | 'ONCE_PER_CAMPAIGN'
  // Channel reasons: the campaign's channels are tried in order; when none is possible, the first one's reason
  | 'NO_CONSENT'
  | 'CONSENT_WITHDRAWN'
  | 'NO_PUSH_ENDPOINT'
  | 'NO_PHONE_NUMBER'
  | 'SMS_OPTED_OUT'
  // In-app: an anonymous profile has no inbox the app can fetch (the token signs a signed-in user's id)
  | 'NO_INBOX'
  | 'CHANNEL_NOT_SUPPORTED'
  | 'TIME_ZONE_UNKNOWN'
  | 'FREQUENCY_CAP_PUSH'
  | 'FREQUENCY_CAP_SMS'
  | 'FREQUENCY_CAP_IN_APP'
  | 'FREQUENCY_CAP_MARKETING'
  // A rollout: outside its current exposure, or in its control group (recorded as "would have been sent")
  | 'NOT_IN_ROLLOUT'
  | 'CONTROL_GROUP'
  // The global holdout: never sent marketing, recorded as "would have been sent" (docs/measurement.md)
  | 'HOLDOUT'
  // After the decision to send
  | 'CONTENT_INCOMPLETE'
  | 'ENDPOINT_DISABLED'
  | 'PROVIDER_REJECTED';

/** Why a message was put off to later (same message id, through a durable timer). */
export type DeferralReason = 'QUIET_HOURS' | 'RATE_LIMITED' | 'VARIANT_SEND_TIME' | 'SCHEDULED';

export type DeliveryDecision =
  | { kind: 'send'; channel: SendChannel; address: string; timeZone: string }
  | { kind: 'suppress'; reason: SuppressionReason; detail?: string }
  | { kind: 'defer'; reason: 'QUIET_HOURS'; until: Date; timeZone: string }
  /** SMS would be used: ask SNS whether the number opted out, then decide again with the answer. */
  | { kind: 'check-sms-opt-out'; phoneNumber: string };

export interface EligibilityInput {
  intent: Intent;
  profile: Profile | undefined;
  /** The intent's campaign if it is active; undefined when unknown or deactivated. */
  campaign: Campaign | undefined;
  /** The user's recent sends across all campaigns (the caps item). */
  sends: readonly SendRecord[];
  /** The opt-out list's answer for the user's phone number, once asked. */
  smsOptedOut?: boolean;
  now: Date;
  policy: DeliveryPolicy;
}

/**
 * Decides, at send time, whether and how an intent may be delivered. Pure. Checks run in a fixed order
 * and the first that fails names the reason: profile → campaign active → audience → minor (marketing) → once per campaign →
 * channel (consent, address, SMS opt-out; falling back along the campaign's `channels`) → time zone →
 * quiet hours (defer) → frequency caps. Consent and audience are read from the profile as it is now,
 * not as it was when the intent was armed.
 */
export const decideDelivery = (input: EligibilityInput): DeliveryDecision => {
  const { profile, campaign, now, policy } = input;
  const nowMs = now.getTime();
  if (!profile) return { kind: 'suppress', reason: 'NO_PROFILE' };
  if (!campaign) return { kind: 'suppress', reason: 'CAMPAIGN_NOT_ACTIVE' };
  if (!matchesAudience(profile, campaign.audience, now)) return { kind: 'suppress', reason: 'NOT_IN_AUDIENCE' };
  if (campaign.category === 'marketing') {
    const minor = isKnownMinor(profile, policy.minimumMarketingAge, now);
    if (minor.minor) return { kind: 'suppress', reason: 'MINOR', detail: `${minor.detail} (under ${policy.minimumMarketingAge})` };
  }

  const lastOfCampaign = Math.max(-Infinity, ...input.sends.filter((s) => s.campaignId === campaign.id).map((s) => s.at));
  if (lastOfCampaign > nowMs - campaign.caps.oncePerMs) {
    return { kind: 'suppress', reason: 'ONCE_PER_CAMPAIGN', detail: `last sent ${new Date(lastOfCampaign).toISOString()}` };
  }

  const channel = chooseChannel(campaign.channels, profile, input.smsOptedOut);
  if (channel.kind !== 'send') return channel;

  // A channel without quiet hours (in-app) goes out at once, at night too, with no zone needed.
  const quiet = keepsQuietHours(channel.channel);
  const zone: ZoneChoice = quiet ? timeZoneOf(profile, policy) : { kind: 'known', timeZone: IN_APP_ZONE };
  if (zone.kind === 'unknown') return { kind: 'suppress', reason: 'TIME_ZONE_UNKNOWN', detail: zone.detail };
  if (quiet && isQuietAt(nowMs, zone.timeZone, policy.quietHours)) {
    return { kind: 'defer', reason: 'QUIET_HOURS', until: new Date(nextAllowedAt(nowMs, zone.timeZone, policy.quietHours)), timeZone: zone.timeZone };
  }

  const cap = exceededCap(input.sends, channel.channel, campaign.category, nowMs, policy);
  if (cap) return { kind: 'suppress', ...cap };
  return { kind: 'send', channel: channel.channel, address: channel.address, timeZone: zone.timeZone };
};

/** The zone an in-app decision carries: quiet hours are not judged for it (see decideDelivery). */
export const IN_APP_ZONE = 'UTC';

type ChannelChoice = { kind: 'send'; channel: SendChannel; address: string } | Extract<DeliveryDecision, { kind: 'suppress' | 'check-sms-opt-out' }>;

/**
 * The first of the campaign's channels the user can receive on. A channel that is merely capped or
 * quiet is not skipped: SMS is a fallback for users push cannot reach, never a way around a push cap.
 */
const chooseChannel = (channels: readonly Channel[], profile: Profile, smsOptedOut: boolean | undefined): ChannelChoice => {
  const blocked: [Channel, SuppressionReason][] = [];
  for (const channel of channels) {
    const reason = channelBlock(channel, profile);
    if (reason) {
      blocked.push([channel, reason]);
      continue;
    }
    // channelBlock made sure the address is there (deliver reads profiles with their addresses decrypted).
    if (channel === 'push') return { kind: 'send', channel, address: profile.channels.push!.endpointArn! };
    // The inbox's address is the user: the app fetches it with a token signed for that id.
    if (channel === 'in-app') return { kind: 'send', channel, address: profile.userId };
    const phoneNumber = profile.channels.sms!.phoneNumber!;
    if (smsOptedOut === undefined) return { kind: 'check-sms-opt-out', phoneNumber };
    if (smsOptedOut) {
      blocked.push([channel, 'SMS_OPTED_OUT']);
      continue;
    }
    return { kind: 'send', channel: 'sms', address: phoneNumber };
  }
  const [first] = blocked;
  return {
    kind: 'suppress',
    reason: first ? first[1] : 'CHANNEL_NOT_SUPPORTED',
    detail: blocked.map(([channel, reason]) => `${channel}:${reason}`).join(' ') || 'no channels',
  };
};

const channelBlock = (channel: Channel, profile: Profile): SuppressionReason | undefined => {
  if (channel === 'in-app') return inAppBlock(profile);
  if (channel !== 'push' && channel !== 'sms') return 'CHANNEL_NOT_SUPPORTED';
  const consent = profile.consent[channel];
  if (!consent) return 'NO_CONSENT';
  if (!consent.granted) return 'CONSENT_WITHDRAWN';
  if (channel === 'push' && !profile.channels.push?.endpointArn) return 'NO_PUSH_ENDPOINT';
  if (channel === 'sms' && !profile.channels.sms?.phoneNumber) return 'NO_PHONE_NUMBER';
  return undefined;
};

/**
 * In-app messages need no opt-in: they are part of the app the user chose to open, like any screen of it
 * (ePrivacy and TCPA rules are about messages sent to a device or number). A user who refuses them
 * (consent purpose `in-app: false`) gets none, and marketing caps apply as on every channel.
 */
const inAppBlock = (profile: Profile): SuppressionReason | undefined => {
  if (profile.consent['in-app']?.granted === false) return 'CONSENT_WITHDRAWN';
  if (isAnonymousProfileKey(profile.userId)) return 'NO_INBOX';
  return undefined;
};

type ZoneChoice = { kind: 'known'; timeZone: string } | { kind: 'unknown'; detail: string };

/**
 * The zone quiet hours are judged in: the user's, else the configured default. With neither, there is
 * no instant that is surely daytime for the user, so they are not messaged (docs/delivery.md).
 */
const timeZoneOf = (profile: Profile, policy: DeliveryPolicy): ZoneChoice => {
  if (isKnownTimeZone(profile.timeZone)) return { kind: 'known', timeZone: profile.timeZone };
  if (policy.defaultTimeZone) return { kind: 'known', timeZone: policy.defaultTimeZone };
  return { kind: 'unknown', detail: profile.timeZone ? 'invalid time zone' : 'no time zone' };
};

const CAP_REASONS: Readonly<Record<SendChannel, SuppressionReason>> = { push: 'FREQUENCY_CAP_PUSH', sms: 'FREQUENCY_CAP_SMS', 'in-app': 'FREQUENCY_CAP_IN_APP' };

/** The first cap a send would break, counting sends in the window ending now (and any already scheduled later). */
const exceededCap = (
  sends: readonly SendRecord[],
  channel: SendChannel,
  category: Campaign['category'],
  nowMs: number,
  policy: DeliveryPolicy,
): { reason: SuppressionReason; detail: string } | undefined => {
  const recent = sends.filter((s) => s.at > nowMs - CAP_WINDOW_MS);
  const channelCount = recent.filter((s) => s.channel === channel).length;
  const channelCap = policy.caps[channel];
  if (channelCount >= channelCap) return { reason: CAP_REASONS[channel], detail: `${channelCount} of ${channelCap} in 24h` };
  if (category === 'marketing') {
    const marketingCount = recent.filter((s) => s.category === 'marketing').length;
    if (marketingCount >= policy.caps.marketing) {
      return { reason: 'FREQUENCY_CAP_MARKETING', detail: `${marketingCount} of ${policy.caps.marketing} in 24h` };
    }
  }
  return undefined;
};
