import type { Campaign } from '../campaigns/campaign';
import { matchesAudience } from '../campaigns/match-audience';
import { messageIdFor, type Intent } from '../messaging/intent';
import { isKnownTimeZone } from '../messaging/quiet-hours';
import type { Profile } from '../profile/profile';
import { sendInstantOf, type Occurrence } from './occurrences';

/** A user whose send time passed longer ago than this when the fan-out reached them is left out, not sent late. */
export const LATE_GRACE_MS = 60 * 60_000;

/** Why a scanned profile is not a recipient (counted in the run's progress). */
export type LeftOut = 'absorbed' | 'notInSegment' | 'notInAudience' | 'noTimeZone' | 'late';

export interface RecipientPlan {
  /** User ids by the minute they are sent at (ISO-8601): one wave each. */
  waves: Record<string, string[]>;
  leftOut: Partial<Record<LeftOut, number>>;
}

/**
 * Who of a page of profiles gets a broadcast occurrence, and when: the campaign's audience now (deliver
 * checks it again at send time, with consent, quiet hours, caps, holdout and rollout), members of its
 * imported segment if it has one, at the occurrence's wall time in the user's zone (or the schedule's).
 */
export const planRecipients = (input: {
  profiles: readonly Profile[];
  campaign: Campaign;
  occurrence: Occurrence;
  now: Date;
  /** The imported segment's user ids, when the audience names one. */
  members?: ReadonlySet<string>;
  defaultTimeZone?: string;
}): RecipientPlan => {
  const { campaign, occurrence, now } = input;
  const schedule = campaign.trigger.schedule!;
  const plan: RecipientPlan = { waves: {}, leftOut: {} };
  const leave = (reason: LeftOut) => (plan.leftOut[reason] = (plan.leftOut[reason] ?? 0) + 1);
  for (const profile of input.profiles) {
    if (profile.mergedInto !== undefined) leave('absorbed');
    else if (input.members && !input.members.has(profile.userId)) leave('notInSegment');
    else if (!matchesAudience(profile, campaign.audience, now)) leave('notInAudience');
    else {
      const zone = schedule.timeZone ?? [profile.timeZone, input.defaultTimeZone].find(isKnownTimeZone);
      if (!zone) {
        leave('noTimeZone');
        continue;
      }
      const due = sendInstantOf(schedule, occurrence, zone);
      if (due < now.getTime() - LATE_GRACE_MS) {
        leave('late');
        continue;
      }
      const wave = new Date(Math.ceil(Math.max(due, now.getTime()) / 60_000) * 60_000).toISOString();
      (plan.waves[wave] ??= []).push(profile.userId);
    }
  }
  return plan;
};

/** The intent of one recipient: one message id per user and occurrence, however often the fan-out runs. */
export const broadcastIntent = (campaign: Campaign, userId: string, occurrence: Occurrence, sendAt: string): Intent => {
  const id = `broadcast:${occurrence}`;
  return {
    messageId: messageIdFor({ userId, campaignId: campaign.id, occurrence: id }),
    userId,
    campaignId: campaign.id,
    channel: campaign.channels[0]!,
    occurrence: id,
    triggeredAt: sendAt,
    notBefore: sendAt,
    context: { eventType: 'broadcast', occurrence },
  };
};
