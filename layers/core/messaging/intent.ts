import { createHash } from 'node:crypto';
import type { Channel } from '../contract/pipeline-event';

/** A decision to try to message a user; deliver decides at send time whether it may go out. */
export interface Intent {
  /**
   * Deterministic: the same user, campaign and trigger occurrence always give the same id, so a
   * replayed batch or a redelivered message can never become a second send.
   */
  messageId: string;
  userId: string;
  campaignId: string;
  channel: Channel;
  /** What caused it, e.g. the insertId of the purchase. */
  occurrence: string;
  /** Client time of the triggering event. */
  triggeredAt: string;
  /** Values for the campaign's template. */
  context: Record<string, string | number | string[]>;
  /**
   * Not to be sent before this time (ISO-8601): a broadcast's send time in the user's zone. An intent that
   * arrives earlier is deferred to it (`SCHEDULED`), then checked like any other.
   */
  notBefore?: string;
}

export const messageIdFor = (parts: Pick<Intent, 'userId' | 'campaignId' | 'occurrence'>): string =>
  createHash('sha256')
    .update(`${parts.userId}\u0000${parts.campaignId}\u0000${parts.occurrence}`)
    .digest('hex')
    .slice(0, 32);
