import type { Campaign, ContentVariant, ExperimentVariant } from '../campaigns/campaign';
import type { Clock } from '../clock';
import type { CampaignSource, DeliveryEvents, DeliveryLedger, ExposureLog, InboxStore, MessageOutcome, ProfileStore, PushSender, Recommender, RolloutExposureSource, SmsOptOuts, SmsSender, TimerStore } from '../ports';
import { assignArm, isInGlobalHoldout } from '../rollouts/bucketing';
import { DEFAULT_ATTRIBUTION_WINDOW_MS, DEFAULT_IN_APP } from '../campaigns/campaign';
import { funnelFactsOf, type MeasurementFacts } from '../kpis/funnel';
import { destinationCountry } from './destination-country';
import type { Profile } from '../profile/profile';
import { decideDelivery, type DeferralReason, type SuppressionReason } from './decide-delivery';
import { isRatedChannel, keepsQuietHours, type DeliveryPolicy, type SendChannel } from './delivery-policy';
import { inboxIdOf, toInboxMessage } from '../inbox/inbox-message';
import { DeliveryCapsContentionError, DeliveryRateLimitedError, DeliverySendFailedError, DeliverySendRejectedError } from './errors';
import type { Intent } from './intent';
import { FINAL_STATUSES, pruneSends, type DecisionRecord, type SendRecord } from './ledger';
import { isQuietAt, nextAllowedAt } from './quiet-hours';
import type { RateLimiter } from './rate-limiter';
import { purchasedProductIds, renderContent, seedProductIds, selectVariant, type RenderedContent } from './render-content';
import { toPushContent, toSnsPushMessage } from './render-push';

export interface DeliverIntentDeps {
  profiles: Pick<ProfileStore, 'load'>;
  campaigns: CampaignSource;
  ledger: DeliveryLedger;
  limiter: RateLimiter;
  push: PushSender;
  sms: SmsSender;
  /** Where in-app messages are stored for the app to fetch. */
  inbox: Pick<InboxStore, 'put'>;
  smsOptOuts: SmsOptOuts;
  recommender: Recommender;
  timers: Pick<TimerStore, 'apply'>;
  deliveryEvents: DeliveryEvents;
  /** The exposure of campaigns with a rollout, and where exposures are recorded. */
  rollouts: RolloutExposureSource;
  exposures: Pick<ExposureLog, 'recordExposure'>;
  policy: DeliveryPolicy;
  clock: Clock;
  /** Waits for a rate-limit slot. */
  sleep: (ms: number) => Promise<void>;
  /** Jitter of retry delays; seeded in tests. */
  random: () => number;
}

/** Where the intent is in the queue's retries. */
export interface DeliveryAttempt {
  /** How many times the queue has handed the message out (SQS `ApproximateReceiveCount`); 1 = the first. */
  receiveCount: number;
}

export type DeliveryResult = (
  | { status: 'sent'; channel: SendChannel; variant: string; providerMessageId: string; sendAt: Date }
  | { status: 'unconfirmed'; channel: SendChannel; variant: string }
  | { status: 'suppressed'; reason: SuppressionReason; detail?: string }
  | { status: 'deferred'; reason: DeferralReason; until: Date }
  | { status: 'duplicate' }
) & {
  /** False when the outcome could not be published to the delivery-events topic (the decision stands). */
  announced?: boolean;
};

/**
 * From the third receive on, a record that finds no rate-limit slot is parked on a durable timer
 * instead of failing again: the intents queue moves a message to its DLQ after five receives, and
 * being throttled is no reason to end there.
 */
export const RATE_LIMIT_DEFER_FROM_RECEIVE = 3;

/** How early a scheduled intent (`notBefore`) may go out: the sweeper's minute, no more. */
const EARLY_TOLERANCE_MS = 60_000;

/** Attempts when concurrent sends to the same user keep changing their caps. */
const MAX_CAPS_ATTEMPTS = 8;

/** The sweeper runs every minute: a timer due sooner fires no sooner. */
const MIN_TIMER_DELAY_MS = 60_000;
const MAX_RETRY_DELAY_MS = 15 * 60_000;

/**
 * How long a throttled record waits before it is tried again: exponential in the receive count, with
 * full jitter so that the records of one burst do not come back together, never sooner than the
 * limiter's own estimate.
 */
export const rateLimitRetryDelayMs = (retryAfterMs: number, receiveCount: number, random: () => number): number => {
  const base = Math.max(retryAfterMs, 1_000);
  const spread = base * 2 ** Math.min(Math.max(receiveCount - 1, 0), 10);
  return Math.min(MAX_RETRY_DELAY_MS, Math.ceil(base + random() * spread));
};

/**
 * Delivers one intent at most once, recording the decision whatever it is.
 *
 * Exactly once: the decision to send and the user's caps are written in one transaction that only
 * succeeds if the message was not decided before and the caps are as read; a redelivered or replayed
 * intent finds the decision and stops. The publish happens after the commit; a publish that surely
 * failed gives both back (and throws, so the queue retries), one whose outcome is unknown keeps them
 * (at most once). Throws {@link DeliveryRateLimitedError} when no send slot is free soon enough (nothing
 * was written; the queue retries).
 */
export const deliverIntent = async (intent: Intent, deps: DeliverIntentDeps, attempt: DeliveryAttempt = { receiveCount: 1 }): Promise<DeliveryResult> => {
  let slot: { channel: SendChannel; at: Date } | undefined;
  for (let round = 1; ; round++) {
    const now = deps.clock();
    const view = await deps.ledger.read(intent.userId, intent.messageId);
    if (view.decision && FINAL_STATUSES.has(view.decision.status)) return { status: 'duplicate' };

    const [profile, campaign] = await Promise.all([deps.profiles.load(intent.userId), activeCampaign(deps.campaigns, intent.campaignId)]);
    if (profile?.mergedInto !== undefined) {
      // An anonymous profile's timer that fired before it was moved: the message is the user's now, under
      // the same id, so the user's ledger keeps it to one send.
      intent = { ...intent, userId: profile.mergedInto };
      continue;
    }
    if (intent.notBefore !== undefined && now.getTime() < Date.parse(intent.notBefore) - EARLY_TOLERANCE_MS) {
      return defer(intent, deps, baseRecord(intent, now), 'SCHEDULED', new Date(intent.notBefore), now);
    }
    const input = { intent, profile, campaign, sends: view.caps.sends, now, policy: deps.policy };
    let decision = decideDelivery(input);
    if (decision.kind === 'check-sms-opt-out') {
      decision = decideDelivery({ ...input, smsOptedOut: await deps.smsOptOuts.isOptedOut(decision.phoneNumber) });
    }
    const base = baseRecord(intent, now);
    if (decision.kind === 'suppress') return suppress(intent, deps, { ...base, reason: decision.reason, ...(decision.detail && { detail: decision.detail }) }, now);
    if (decision.kind === 'defer') return defer(intent, deps, base, decision.reason, decision.until, now);
    if (decision.kind !== 'send' || !profile || !campaign) throw new Error(`unexpected decision ${decision.kind}`);

    // The global holdout, like a rollout's control group, is decided where the send would happen, after
    // every eligibility check: held users are the same kind of users as those messaged.
    if (campaign.category === 'marketing' && isInGlobalHoldout(intent.userId, deps.policy.holdoutShare)) {
      const held = selectVariant(campaign, profile, now)?.name;
      return suppress(intent, deps, { ...base, reason: 'HOLDOUT', channel: decision.channel, ...(held && { variant: held }), detail: `would have been sent by ${decision.channel}` }, now, measurementFacts(campaign, decision.channel));
    }

    // A rollout's arms are assigned where the send would happen, after every eligibility check, so control
    // and treatment are the same kind of users; both are recorded as exposed (intention to treat).
    let experimentVariant: ExperimentVariant | undefined;
    if (campaign.rollout) {
      const rollout = await deps.rollouts.exposureOf(campaign.id);
      const assignment = assignArm(intent.userId, campaign.id, rollout?.exposurePercent ?? 0, campaign.rollout);
      if (!rollout || assignment.arm === 'unexposed') {
        const detail = rollout ? `exposure ${rollout.exposurePercent}%` : 'rollout not started';
        return suppress(intent, deps, { ...base, reason: 'NOT_IN_ROLLOUT', detail }, now);
      }
      await deps.exposures.recordExposure({
        userId: intent.userId,
        campaignId: campaign.id,
        runId: rollout.runId,
        arm: assignment.arm,
        ...(assignment.arm === 'treatment' && { variant: assignment.variant }),
        exposedAt: now.toISOString(),
        lastExposedAt: now.toISOString(),
        messageIds: [intent.messageId],
        attributionWindowMs: campaign.rollout.attributionWindowMs,
      });
      if (assignment.arm === 'control') {
        return suppress(intent, deps, { ...base, reason: 'CONTROL_GROUP', detail: `would have been sent by ${decision.channel} (run ${rollout.runId})` }, now);
      }
      experimentVariant = campaign.rollout.variants.find((v) => v.name === assignment.variant);
      // A send-time variant goes out `delayMs` after the trigger; everything is checked again then.
      const delayMs = experimentVariant?.delayMs;
      const sendFrom = Date.parse(intent.triggeredAt) + (delayMs ?? 0);
      if (delayMs && now.getTime() < sendFrom) return defer(intent, deps, base, 'VARIANT_SEND_TIME', new Date(sendFrom), now);
    }

    const rendered = await render(intent, campaign, profile, deps, experimentVariant, now);
    if (!rendered.ok) return suppress(intent, deps, { ...base, reason: 'CONTENT_INCOMPLETE', detail: rendered.detail }, now);

    // A slot is kept across caps retries, unless it is for another channel or already behind this
    // round's clock (the caps argument in docs/delivery.md needs decision time ≤ send time).
    if (slot?.channel !== decision.channel || slot.at.getTime() < now.getTime()) {
      try {
        // An in-app message is a write to our own table: no provider quota to keep under.
        slot = { channel: decision.channel, at: isRatedChannel(decision.channel) ? await deps.limiter.acquire(decision.channel, now) : now };
      } catch (error) {
        if (!(error instanceof DeliveryRateLimitedError) || attempt.receiveCount < RATE_LIMIT_DEFER_FROM_RECEIVE) throw error;
        const delay = Math.max(MIN_TIMER_DELAY_MS, rateLimitRetryDelayMs(error.retryAfterMs, attempt.receiveCount, deps.random));
        return defer(intent, deps, base, 'RATE_LIMITED', new Date(now.getTime() + delay), now);
      }
    }
    // The slot may be up to the wait bound after now: quiet hours are judged at the moment of sending.
    if (keepsQuietHours(decision.channel) && isQuietAt(slot.at.getTime(), decision.timeZone, deps.policy.quietHours)) {
      return defer(intent, deps, base, 'QUIET_HOURS', new Date(nextAllowedAt(slot.at.getTime(), decision.timeZone, deps.policy.quietHours)), now);
    }

    const send: SendRecord = { messageId: intent.messageId, campaignId: campaign.id, channel: decision.channel, category: campaign.category, at: slot.at.getTime() };
    const sending: DecisionRecord = {
      ...base,
      status: 'sending',
      channel: decision.channel,
      variant: rendered.content.variant,
      ...(experimentVariant && { experimentVariant: experimentVariant.name }),
      ...(decision.channel === 'sms' && { destinationCountry: destinationCountry(decision.address) }),
      sendAt: slot.at.toISOString(),
    };
    const caps = { version: view.caps.version, sends: pruneSends([...view.caps.sends, send], now.getTime()) };
    const committed = await deps.ledger.commitSend(sending, caps, measurementFacts(campaign, decision.channel, rendered.content.coupon));
    if (committed === 'decided-before') return { status: 'duplicate' };
    if (committed === 'caps-changed') {
      if (round >= MAX_CAPS_ATTEMPTS) throw new DeliveryCapsContentionError(intent.userId, round);
      continue;
    }

    const waitMs = slot.at.getTime() - deps.clock().getTime();
    if (waitMs > 0) await deps.sleep(waitMs);
    return publish(intent, deps, { campaign, channel: decision.channel, address: decision.address, content: rendered.content, sending });
  }
};

/**
 * A push is seen when it arrives; an in-app message when the user next opens the app, any time until it
 * expires. So an in-app touch (sent or held) lasts the message's life plus the attribution window: its
 * impression, click and conversion count whenever in that life the user met it.
 */
const measurementFacts = (campaign: Campaign, channel: SendChannel, coupon?: string): MeasurementFacts => ({
  attributionWindowMs: (campaign.attributionWindowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS) + (channel === 'in-app' ? (campaign.inApp ?? DEFAULT_IN_APP).expiresAfterMs : 0),
  ...(coupon && { coupon }),
});

const activeCampaign = async (source: CampaignSource, id: string): Promise<Campaign | undefined> => (await source.active()).find((c) => c.id === id);

const baseRecord = (intent: Intent, now: Date) => ({
  messageId: intent.messageId,
  userId: intent.userId,
  campaignId: intent.campaignId,
  occurrence: intent.occurrence,
  triggeredAt: intent.triggeredAt,
  decidedAt: now.toISOString(),
});

type Base = ReturnType<typeof baseRecord>;

const render = async (
  intent: Intent,
  campaign: Campaign,
  profile: Profile,
  deps: DeliverIntentDeps,
  experimentVariant: ExperimentVariant | undefined,
  now: Date,
): Promise<{ ok: true; content: RenderedContent } | { ok: false; detail: string }> => {
  const segment = selectVariant(campaign, profile, now);
  if (!segment) return { ok: false, detail: 'no content variant for the segment and no default' };
  const variant = withExperimentVariant(segment, experimentVariant);
  const recommendations =
    variant.recommendations > 0
      ? await deps.recommender.recommend({
          userId: intent.userId,
          profile,
          count: variant.recommendations,
          exclude: purchasedProductIds(intent),
          seedProductIds: seedProductIds(intent),
        })
      : [];
  const result = renderContent({ variant, intent, profile, recommendations });
  return result.ok ? result : { ok: false, detail: `variant ${variant.name}: no value for ${result.missing.map((name) => `{{${name}}}`).join(', ')}` };
};

/** The segment's content with an A/B variant's replacements (title, body, SMS text, image, deep link). */
const withExperimentVariant = (content: ContentVariant, variant: ExperimentVariant | undefined): ContentVariant & { imageUrl?: string } => {
  if (!variant) return content;
  const { name: _name, weight: _weight, delayMs: _delayMs, ...replacements } = variant;
  return { ...content, ...replacements };
};

const suppress = async (
  intent: Intent,
  deps: DeliverIntentDeps,
  record: Base & { reason: SuppressionReason; detail?: string; channel?: SendChannel; variant?: string },
  now: Date,
  facts?: MeasurementFacts,
): Promise<DeliveryResult> => {
  if ((await deps.ledger.record({ ...record, status: 'suppressed' }, facts)) === 'decided-before') return { status: 'duplicate' };
  const outcome: MessageOutcome = { status: 'suppressed', reason: record.reason, ...(record.detail && { detail: record.detail }) };
  return { ...outcome, announced: await announce(intent, outcome, deps, now, { ...record, status: 'suppressed' }) };
};

/**
 * Parks the intent on a durable timer (same message id) and records why. The timer is armed first: if
 * the function dies between the two writes, the redelivery arms the same key again and records it.
 */
const defer = async (intent: Intent, deps: DeliverIntentDeps, base: Base, reason: DeferralReason, until: Date, now: Date): Promise<DeliveryResult> => {
  await deps.timers.apply([
    {
      op: 'arm',
      timer: {
        userId: intent.userId,
        key: `defer#${intent.messageId}`,
        // Unique per deferral: the sweeper completes a fired timer only if its armId is unchanged, so a
        // re-deferral written meanwhile (same key) survives it.
        armId: `defer@${until.toISOString()}`,
        armedAt: now.toISOString(),
        dueAt: until.toISOString(),
        intent,
      },
    },
  ]);
  if ((await deps.ledger.record({ ...base, status: 'deferred', reason, deferredUntil: until.toISOString() })) === 'decided-before') {
    return { status: 'duplicate' };
  }
  const outcome: MessageOutcome = { status: 'deferred', reason, until: until.toISOString() };
  return { status: 'deferred', reason, until, announced: await announce(intent, outcome, deps, now) };
};

const publish = async (
  intent: Intent,
  deps: DeliverIntentDeps,
  send: { campaign: Campaign; channel: SendChannel; address: string; content: RenderedContent; sending: DecisionRecord },
): Promise<DeliveryResult> => {
  const { channel, content, sending } = send;
  let providerMessageId: string;
  try {
    providerMessageId =
      channel === 'push'
        ? await deps.push.send(send.address, toSnsPushMessage(toPushContent(content, intent)))
        : channel === 'in-app'
          ? await storeInApp(intent, deps, content, send.campaign, new Date(sending.sendAt!))
          : await deps.sms.send(send.address, content.smsText, send.campaign.category === 'transactional' ? 'Transactional' : 'Promotional');
  } catch (error) {
    const at = deps.clock();
    if (error instanceof DeliverySendRejectedError) {
      const replacement: DecisionRecord = { ...sending, status: 'suppressed', reason: error.reason, detail: error.code, decidedAt: at.toISOString() };
      await deps.ledger.giveBack(replacement, at);
      const outcome: MessageOutcome = { status: 'suppressed', reason: error.reason, detail: error.code };
      return { ...outcome, announced: await announce(intent, outcome, deps, at, replacement) };
    }
    if (error instanceof DeliverySendFailedError) {
      await deps.ledger.giveBack({ ...sending, status: 'failed', detail: error.code, decidedAt: at.toISOString() }, at);
      throw error;
    }
    // No answer: the provider may have sent it. Keep the send counted and never retry it (at most once).
    await deps.ledger.confirm(intent.userId, intent.messageId, { status: 'unconfirmed', at });
    return { status: 'unconfirmed', channel, variant: content.variant, announced: await announce(intent, { status: 'unconfirmed', channel }, deps, at, sending) };
  }
  const at = deps.clock();
  const funnel = funnelFactsOf(sending);
  await deps.ledger.confirm(intent.userId, intent.messageId, { status: 'sent', providerMessageId, at }, { providerMessageId, campaignId: sending.campaignId, channel: funnel.funnelChannel, variant: funnel.funnelVariant, at: funnel.funnelAt });
  const outcome: MessageOutcome = { status: 'sent', providerMessageId, channel, variant: content.variant };
  return { status: 'sent', channel, variant: content.variant, providerMessageId, sendAt: new Date(sending.sendAt!), announced: await announce(intent, outcome, deps, at, sending) };
};

/**
 * Writes the message to the user's inbox; its id there is the provider message id. The write is
 * idempotent (same key, same item), so a failed one is given back and retried like a provider error.
 */
const storeInApp = async (intent: Intent, deps: DeliverIntentDeps, content: RenderedContent, campaign: Campaign, sentAt: Date): Promise<string> => {
  const message = toInboxMessage(intent, content, campaign.inApp ?? DEFAULT_IN_APP, sentAt);
  try {
    await deps.inbox.put(message);
  } catch (error) {
    throw new DeliverySendFailedError((error as Error).name || 'InboxWriteFailed', { cause: error });
  }
  return inboxIdOf(message);
};

/** Best effort: the decision is already recorded, so a failed announcement must not make the queue retry. */
const announce = async (intent: Intent, outcome: MessageOutcome, deps: DeliverIntentDeps, at: Date, decision?: DecisionRecord): Promise<boolean> => {
  try {
    await deps.deliveryEvents.publish(intent, outcome, at, decision && funnelFactsOf(decision));
    return true;
  } catch {
    return false;
  }
};

