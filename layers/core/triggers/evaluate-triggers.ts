import type { Campaign, EventPattern, Trigger } from '../campaigns/campaign';
import { matchesAudience } from '../campaigns/match-audience';
import { isStandardEventType, type IngestedEvent } from '../contract/pipeline-event';
import { messageIdFor, type Intent } from '../messaging/intent';
import type { Profile } from '../profile/profile';
import { matchesEvent, propertyOf } from './match-event';
import type { Timer, TimerCommand } from './timer';
import {
  emptyTriggerState,
  LATE_EVENT_TOLERANCE_MS,
  MAX_MARKS_PER_CAMPAIGN,
  MAX_TIMER_DELAY_MS,
  type CountedEvent,
  type CountState,
  type TimerTriggerState,
  type TriggerMark,
  type TriggerState,
} from './trigger-state';

export interface EvaluateTriggersInput {
  /** The active campaigns. */
  campaigns: readonly Campaign[];
  /** The profile with the new events folded in (and derived), still carrying the trigger state from before them. */
  profile: Profile;
  /**
   * The events that changed the profile: new and deduplicated. Only these may reach the triggers, so a
   * duplicate or a replayed batch can never fire or arm anything twice.
   */
  applied: readonly IngestedEvent[];
  /** Processing time: decides which starting events are too late to arm a timer. */
  now: Date;
}

export interface TriggerEvaluation {
  /** To enqueue now. */
  intents: Intent[];
  /** To apply to the Timers table, in this order. */
  timers: TimerCommand[];
  /** The profile's trigger state after these events. */
  state: TriggerState;
  /** Starting events that arrived too late to arm a timer (see {@link LATE_EVENT_TOLERANCE_MS}). */
  stale: number;
}

/** Which of the trigger shapes a campaign uses (see {@link Trigger}). */
export type TriggerShape = 'event' | 'count' | 'unless' | 'after' | 'date';

export const triggerShapeOf = (trigger: Trigger): TriggerShape =>
  trigger.date ? 'date' : trigger.count ? 'count' : trigger.unless ? 'unless' : trigger.afterMs !== undefined ? 'after' : 'event';

/** The timer key of a campaign for an event: `<campaignId>#<correlation value or ->`. */
export const timerKeyFor = (campaign: Campaign, event: IngestedEvent): string => `${campaign.id}#${correlationOf(campaign.trigger, event)}`;

/**
 * Turns a user's newly applied events into what the active campaigns want: intents now (event alone,
 * count reached), and timer commands (arm on a starting event, cancel on a completing one). Pure: the
 * same input always gives the same output, with deterministic message ids (user + campaign + the
 * starting event's insertId).
 *
 * Arrival order does not matter where it can be helped: events are taken in client-time order; a count
 * remembers its uncounted events; a timer trigger remembers recent starting and completing events for as
 * long as a late event may still need them, so an add_to_cart that arrives before the older product_view
 * still prevents the timer; and every timer command carries its client time, so the Timers table lets
 * neither an older arm nor an older cancel override a newer one.
 */
export const evaluateTriggers = ({ campaigns, profile, applied, now }: EvaluateTriggersInput): TriggerEvaluation => {
  const before = { ...emptyTriggerState(), ...profile.triggers };
  const evaluation: TriggerEvaluation = { intents: [], timers: [], state: emptyTriggerState(), stale: 0 };
  const events = [...applied].sort(byClientTime);

  for (const campaign of campaigns) {
    const channel = campaign.channels[0];
    if (!channel) continue; // a campaign file always names one; nothing to send on otherwise
    const context = { campaign, channel, profile, now, evaluation };
    switch (triggerShapeOf(campaign.trigger)) {
      case 'event':
        fireOnEachEvent(context, events);
        break;
      case 'count': {
        const counts = fireOnCount(context, events, before.counts[campaign.id]);
        if (counts) evaluation.state.counts[campaign.id] = counts;
        break;
      }
      case 'unless':
      case 'after': {
        const { unless, afterMs } = campaign.trigger;
        const marks = armTimers(context, events, before.timers[campaign.id], unless ? unless.withinMs : afterMs!, unless?.event);
        if (marks) evaluation.state.timers[campaign.id] = marks;
        break;
      }
      case 'date':
        break; // armed by the nightly run, not by events (date-triggers.ts)
    }
  }
  keepWatermarksOfInactive(before, campaigns, evaluation, now);
  return evaluation;
};

/**
 * The timers of a campaign that is no longer active stay in the table (deliver drops what they send while
 * it is inactive). Should it come back, a completing event must still cancel them, so its marks shrink to
 * a watermark (`droppedThrough`: its newest start) instead of vanishing, kept while a timer armed by
 * then can still be due (the longest delay a campaign may have, plus the late-event tolerance).
 */
const keepWatermarksOfInactive = (before: TriggerState, campaigns: readonly Campaign[], evaluation: TriggerEvaluation, now: Date): void => {
  const active = new Set(campaigns.map((campaign) => campaign.id));
  const horizonMs = now.getTime() - MAX_TIMER_DELAY_MS - LATE_EVENT_TOLERANCE_MS;
  for (const [campaignId, state] of Object.entries(before.timers)) {
    if (active.has(campaignId)) continue;
    const newest = [state.droppedThrough, ...state.starts.map((mark) => mark.at)].filter((at): at is string => at !== undefined).sort(byTime).at(-1);
    if (newest && Date.parse(newest) >= horizonMs) evaluation.state.timers[campaignId] = { starts: [], completions: [], droppedThrough: newest };
  }
};

interface CampaignContext {
  campaign: Campaign;
  channel: Intent['channel'];
  profile: Profile;
  now: Date;
  evaluation: TriggerEvaluation;
}

const fireOnEachEvent = (ctx: CampaignContext, events: readonly IngestedEvent[]): void => {
  if (!eligible(ctx)) return;
  for (const event of events) {
    if (matchesEvent(event, ctx.campaign.trigger.event)) {
      ctx.evaluation.intents.push(intentFor(ctx, { occurrence: event.insertId, triggeredAt: event.timestamp, context: contextOf(event) }));
    }
  }
};

/**
 * Fires when `atLeast` matching events fall within `withinMs` (first to last, inclusive), then counts
 * afresh from the event after the one that completed the count. Events at or before that one, arriving
 * late, are not counted again.
 */
const fireOnCount = (ctx: CampaignContext, events: readonly IngestedEvent[], previous: CountState | undefined): CountState | undefined => {
  const { atLeast, withinMs } = ctx.campaign.trigger.count!;
  let firedThrough = previous?.firedThrough;
  const fresh = events.filter((e) => matchesEvent(e, ctx.campaign.trigger.event) && (!firedThrough || compareCounted(counted(e), firedThrough) > 0));
  if (fresh.length === 0) return previous;

  const known = new Set((previous?.events ?? []).map((e) => e.insertId));
  let pending = [...(previous?.events ?? []), ...fresh.map(counted).filter((e) => !known.has(e.insertId))].sort(compareCounted);
  const byInsertId = new Map(fresh.map((e) => [e.insertId, e]));

  for (let last = atLeast - 1; last < pending.length; ) {
    const first = pending[last - atLeast + 1]!;
    const completing = pending[last]!;
    if (Date.parse(completing.at) - Date.parse(first.at) > withinMs) {
      last++;
      continue;
    }
    if (eligible(ctx)) {
      // The template's context comes from the completing event, or the newest new one in the window when
      // the completing event came in an earlier batch (a late event filled the window).
      const window = pending.slice(last - atLeast + 1, last + 1);
      const source = byInsertId.get(completing.insertId) ?? [...window].reverse().map((e) => byInsertId.get(e.insertId)).find(Boolean);
      ctx.evaluation.intents.push(
        intentFor(ctx, { occurrence: completing.insertId, triggeredAt: completing.at, context: { ...(source ? contextOf(source) : {}), count: atLeast } }),
      );
    }
    firedThrough = completing;
    pending = pending.slice(last + 1);
    last = atLeast - 1;
  }

  // Nothing older than the newest event minus the window can complete a count with a newer event; and
  // fewer than `atLeast` events fit in any window, or the count would have fired.
  const newest = pending.at(-1);
  const kept = newest ? pending.filter((e) => Date.parse(e.at) >= Date.parse(newest.at) - withinMs) : [];
  return { events: kept.slice(Math.max(0, kept.length - (atLeast - 1))), ...(firedThrough ? { firedThrough } : {}) };
};

/**
 * Arms a timer `delayMs` after each starting event, unless it is already known to be completed (a
 * completing event with the same correlation value within `delayMs` after it) or superseded (a newer
 * starting event of the same key within `delayMs`, which re-armed the timer before it was due). A
 * completing event cancels the timer of its key only when one may be armed there (see {@link mayBeArmed}).
 * Returns the marks to keep.
 */
const armTimers = (
  ctx: CampaignContext,
  events: readonly IngestedEvent[],
  previous: TimerTriggerState | undefined,
  delayMs: number,
  completing: EventPattern | undefined,
): TimerTriggerState | undefined => {
  const { trigger } = ctx.campaign;
  const armed = mayBeArmed(previous, delayMs);
  const starts = [...(previous?.starts ?? [])];
  const completions = [...(previous?.completions ?? [])];
  const fresh = events.filter((event) => matchesEvent(event, trigger.event));
  if (completing) {
    for (const event of events) {
      if (!matchesEvent(event, completing)) continue;
      const mark = markOf(trigger, event);
      completions.push(mark);
      if (armed(mark)) ctx.evaluation.timers.push({ op: 'cancel', userId: ctx.profile.userId, key: timerKeyFor(ctx.campaign, event), at: event.timestamp });
    }
  }
  starts.push(...fresh.map((event) => markOf(trigger, event)));

  for (const event of fresh) {
    const start = markOf(trigger, event);
    const startMs = Date.parse(start.at);
    const related = (mark: TriggerMark) => mark.value === start.value && mark.insertId !== start.insertId && Date.parse(mark.at) <= startMs + delayMs;
    // Not the event itself: "no page_view within 10 min of a page_view" is a valid trigger.
    const completed = completions.some((mark) => related(mark) && Date.parse(mark.at) >= startMs);
    const superseded = starts.some((mark) => related(mark) && compareCounted(mark, start) > 0);
    if (!completed && !superseded) armOrStop(ctx, event, delayMs, armed(start));
  }
  return keptMarks(ctx.now.getTime() - delayMs - LATE_EVENT_TOLERANCE_MS, starts, completions, previous?.droppedThrough);
};

/**
 * Whether a timer armed by an earlier batch may be under a mark's key and cancellable at its time: a
 * remembered starting event with the same correlation value armed at or before it and due at or after it
 * (the Timers table's cancel condition), or a forgotten one possibly so (at or before `droppedThrough`, or
 * before the oldest start of a full list, which older code truncated without a watermark). Starting events
 * of the same batch need no cancel: their arms come after it and see the completion themselves. A start
 * forgotten because it is past the horizon had its timer due over {@link LATE_EVENT_TOLERANCE_MS} ago,
 * fired by then (the assumption stale starts rest on too), so a cancel would find nothing.
 */
const mayBeArmed = (previous: TimerTriggerState | undefined, delayMs: number) => {
  const starts = previous?.starts ?? [];
  const full = starts.length >= MAX_MARKS_PER_CAMPAIGN ? starts[0]?.at : undefined;
  const watermarks = [previous?.droppedThrough, full].filter((at): at is string => at !== undefined).map(Date.parse);
  const forgottenUntilMs = watermarks.length > 0 ? Math.max(...watermarks) + delayMs : -Infinity;
  return (mark: TriggerMark): boolean => {
    const atMs = Date.parse(mark.at);
    if (atMs <= forgottenUntilMs) return true;
    return starts.some((start) => start.value === mark.value && start.insertId !== mark.insertId && Date.parse(start.at) <= atMs && atMs <= Date.parse(start.at) + delayMs);
  };
};

/**
 * The marks still needed: within the horizon (newer than the trigger's window plus the late-event
 * tolerance), the newest {@link MAX_MARKS_PER_CAMPAIGN} of each kind. A start dropped for the count
 * raises `droppedThrough`, so the cancels it may need are still sent.
 */
const keptMarks = (horizonMs: number, starts: TriggerMark[], completions: TriggerMark[], droppedThrough: string | undefined): TimerTriggerState | undefined => {
  const recent = (marks: TriggerMark[]) => marks.filter((mark) => Date.parse(mark.at) >= horizonMs).sort(compareCounted);
  const [recentStarts, recentCompletions] = [recent(starts), recent(completions)];
  const truncated = recentStarts.slice(0, Math.max(0, recentStarts.length - MAX_MARKS_PER_CAMPAIGN)).at(-1)?.at;
  const watermark = [droppedThrough, truncated].filter((at): at is string => at !== undefined && Date.parse(at) >= horizonMs).sort(byTime).at(-1);
  const state: TimerTriggerState = {
    starts: recentStarts.slice(-MAX_MARKS_PER_CAMPAIGN),
    completions: recentCompletions.slice(-MAX_MARKS_PER_CAMPAIGN),
    ...(watermark ? { droppedThrough: watermark } : {}),
  };
  return state.starts.length > 0 || state.completions.length > 0 || watermark ? state : undefined;
};

/**
 * A starting event arms (or re-arms: the table keeps the newest arm of a key) the campaign's timer, due
 * `delayMs` after it. When the user is not in the audience any more, the repeat still restarts the clock,
 * so the earlier timer, if one may be armed (`cancellable`), is cancelled instead of left to fire.
 */
const armOrStop = (ctx: CampaignContext, event: IngestedEvent, delayMs: number, cancellable: boolean): void => {
  const dueAtMs = Date.parse(event.timestamp) + delayMs;
  if (dueAtMs < ctx.now.getTime() - LATE_EVENT_TOLERANCE_MS) {
    ctx.evaluation.stale++;
    return;
  }
  const userId = ctx.profile.userId;
  const key = timerKeyFor(ctx.campaign, event);
  if (!eligible(ctx)) {
    if (cancellable) ctx.evaluation.timers.push({ op: 'cancel', userId, key, at: event.timestamp });
    return;
  }
  const dueAt = new Date(dueAtMs).toISOString();
  const timer: Timer = {
    userId,
    key,
    armId: event.insertId,
    armedAt: event.timestamp,
    dueAt,
    intent: intentFor(ctx, { occurrence: event.insertId, triggeredAt: dueAt, context: contextOf(event) }),
  };
  ctx.evaluation.timers.push({ op: 'arm', timer });
};

const eligible = ({ campaign, profile, now }: CampaignContext): boolean =>
  matchesAudience(profile, campaign.trigger.profile, now) && matchesAudience(profile, campaign.audience, now);

const intentFor = (ctx: CampaignContext, fields: Pick<Intent, 'occurrence' | 'triggeredAt' | 'context'>): Intent => ({
  messageId: messageIdFor({ userId: ctx.profile.userId, campaignId: ctx.campaign.id, occurrence: fields.occurrence }),
  userId: ctx.profile.userId,
  campaignId: ctx.campaign.id,
  channel: ctx.channel,
  ...fields,
});

/** Values a template's `{{event.<property>}}` may read, kept in the intent: few and short. */
const MAX_EVENT_VALUES = 20;
const MAX_EVENT_VALUE_LENGTH = 128;

/**
 * A custom event's scalar top-level properties, and those of a standard event's `custom` object, as
 * `event.<property>` / `event.custom.<property>`. The typed properties of standard events are not
 * copied: the contact fields among them must not travel in intents.
 */
const eventValuesOf = (event: IngestedEvent): Intent['context'] => {
  const own = isStandardEventType(event.type) ? (event.properties?.custom ?? {}) : (event.properties ?? {});
  const prefix = isStandardEventType(event.type) ? 'event.custom.' : 'event.';
  const values: Intent['context'] = {};
  for (const [name, value] of Object.entries(own).slice(0, MAX_EVENT_VALUES)) {
    if (typeof value === 'string') values[`${prefix}${name}`] = value.slice(0, MAX_EVENT_VALUE_LENGTH);
    else if (typeof value === 'number') values[`${prefix}${name}`] = value;
    else if (typeof value === 'boolean') values[`${prefix}${name}`] = String(value);
  }
  return values;
};

/** What a template may need from the triggering event. */
const contextOf = (event: IngestedEvent): Intent['context'] => {
  const { productId, category, page, orderId, items } = event.properties ?? {};
  return {
    ...eventValuesOf(event),
    eventType: event.type,
    ...(productId ? { productId } : {}),
    ...(category ? { category } : {}),
    ...(page ? { page } : {}),
    ...(orderId ? { orderId } : {}),
    ...(items && items.length > 0 ? { purchasedProductIds: [...new Set(items.map((item) => item.productId))] } : {}),
  };
};

const markOf = (trigger: Trigger, event: IngestedEvent): TriggerMark => ({
  value: correlationOf(trigger, event),
  at: event.timestamp,
  insertId: event.insertId,
});

const correlationOf = (trigger: Trigger, event: IngestedEvent): string => {
  if (!trigger.correlateOn) return '-';
  const value = propertyOf(event, trigger.correlateOn);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
};

const counted = (event: IngestedEvent): CountedEvent => ({ at: event.timestamp, insertId: event.insertId });

/** Client-time order, ties broken by insertId (in code-unit order, as the Timers table's conditions break them). */
const compareCounted = (a: CountedEvent, b: CountedEvent): number =>
  Date.parse(a.at) - Date.parse(b.at) || (a.insertId < b.insertId ? -1 : a.insertId > b.insertId ? 1 : 0);

const byClientTime = (a: IngestedEvent, b: IngestedEvent): number => compareCounted(counted(a), counted(b));

const byTime = (a: string, b: string): number => Date.parse(a) - Date.parse(b);
