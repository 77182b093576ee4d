import type { Campaign } from '../campaigns/campaign';
import type { Channel } from '../contract/pipeline-event';
import { CAP_WINDOW_MS } from './delivery-policy';
import type { DeferralReason, SuppressionReason } from './decide-delivery';

/**
 * What the Messages table says about one message id: the decision deliver took, for "why did (not)
 * this user get it?". Never holds an address (endpoint ARN, phone number) or the rendered text.
 */
export interface DecisionRecord {
  messageId: string;
  userId: string;
  campaignId: string;
  occurrence: string;
  triggeredAt: string;
  /**
   * `sending`: the send is committed (counted in the caps) and the publish is under way, or the function
   * died during it (then it stays so: at most once); `unconfirmed`: the provider's answer never came;
   * `failed`: the provider surely did not take it, the send was given back and the queue retries it.
   */
  status: DecisionStatus;
  /** When the decision was taken, ISO-8601. */
  decidedAt: string;
  reason?: SuppressionReason | DeferralReason;
  /** Machine-readable detail: per-channel reasons of a suppression, a provider error code, a cap's count. */
  detail?: string;
  channel?: Channel;
  /** The content variant chosen for the user's segment. */
  variant?: string;
  /** The rollout's A/B variant the user is in. */
  experimentVariant?: string;
  /** Where an SMS went, as an ISO 3166 country (its price depends on it); never the number. */
  destinationCountry?: string;
  /** The rate-limit slot the send was scheduled at, ISO-8601. */
  sendAt?: string;
  providerMessageId?: string;
  /** For `deferred`: when it will be tried again. */
  deferredUntil?: string;
}

export type DecisionStatus = 'sending' | 'sent' | 'unconfirmed' | 'suppressed' | 'deferred' | 'failed';

/** Statuses after which a message is never decided again: a redelivery of it is a duplicate. (`deferred` and `failed` are decided again.) */
export const FINAL_STATUSES: ReadonlySet<DecisionStatus> = new Set(['sending', 'sent', 'unconfirmed', 'suppressed']);

/** One send, as the caps remember it. */
export interface SendRecord {
  messageId: string;
  campaignId: string;
  channel: Channel;
  category: Campaign['category'];
  /** Epoch ms of the send (its rate-limit slot). */
  at: number;
}

/**
 * A user's recent sends, in one item guarded by a version: every send decision reads it, checks the
 * caps, and writes it back with the message's decision in one transaction.
 */
export interface CapsState {
  /** 0 = never written. */
  version: number;
  sends: SendRecord[];
}

export const emptyCaps = (): CapsState => ({ version: 0, sends: [] });

/** What deliver reads before deciding. */
export interface LedgerView {
  decision?: DecisionRecord;
  caps: CapsState;
}

/**
 * How long a campaign's last send is remembered for `caps.oncePerMs`. Campaign windows longer than
 * this are cut to it (see docs/delivery.md).
 */
export const CAMPAIGN_MEMORY_MS = 400 * 86_400_000;

/**
 * The sends worth keeping at `nowMs`: all within the caps' window, plus the latest of each campaign
 * (for once-per-campaign windows) up to {@link CAMPAIGN_MEMORY_MS}. Keeps the item small and bounded.
 */
export const pruneSends = (sends: readonly SendRecord[], nowMs: number): SendRecord[] => {
  const latestByCampaign = new Map<string, SendRecord>();
  for (const send of sends) {
    const latest = latestByCampaign.get(send.campaignId);
    if (!latest || send.at > latest.at) latestByCampaign.set(send.campaignId, send);
  }
  return sends
    .filter((send) => send.at > nowMs - CAP_WINDOW_MS || (latestByCampaign.get(send.campaignId) === send && send.at > nowMs - CAMPAIGN_MEMORY_MS))
    .sort((a, b) => a.at - b.at || a.messageId.localeCompare(b.messageId));
};
