import { InMemoryInbox } from './in-memory-inbox';
import { InMemoryExperimentStore } from './in-memory-experiment-store';
import type { Campaign } from '../../layers/core/campaigns/campaign';
import type { Channel } from '../../layers/core/contract/pipeline-event';
import type { DeliverIntentDeps } from '../../layers/core/messaging/deliver-intent';
import { readDeliveryPolicy, type DeliveryPolicy, type RatedChannel, type SendChannel } from '../../layers/core/messaging/delivery-policy';
import { DeliverySendFailedError, DeliverySendRejectedError } from '../../layers/core/messaging/errors';
import type { Intent } from '../../layers/core/messaging/intent';
import { emptyCaps, FINAL_STATUSES, type CapsState, type DecisionRecord, type LedgerView } from '../../layers/core/messaging/ledger';
import { intervalMicros, reserveSlots, toMicros, fromMicros } from '../../layers/core/messaging/rate-limit';
import { directRateLimiter } from '../../layers/core/messaging/rate-limiter';
import type { CampaignSource, DeliveryEvents, DeliveryLedger, MessageOutcome, PushSender, Recommender, SlotReserver, SmsOptOuts, SmsSender } from '../../layers/core/ports';
import type { MeasurementFacts } from '../../layers/core/kpis/funnel';
import { InMemoryKpiStore } from './in-memory-kpi-store';
import { InMemoryProfileStore } from './in-memory-ports';
import { InMemoryTimerStore } from './in-memory-timer-store';

/** The delivery policy with the defaults of the environment, overridable. */
export const deliveryPolicyFactory = (overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy => ({
  ...readDeliveryPolicy({ DEFAULT_TIME_ZONE: undefined }),
  ...overrides,
});

/** A decision as stored, with its deferral history (like the DynamoDB item). */
export type StoredDecision = DecisionRecord & { deferrals: { at: string; until: string; reason: string }[] };

/**
 * The Messages table's ledger in memory, with the DynamoDB adapter's conditions. Each call is atomic (no
 * await inside), like one DynamoDB request; other deliveries interleave between calls.
 */
export class InMemoryDeliveryLedger implements DeliveryLedger {
  readonly decisions = new Map<string, StoredDecision>();
  readonly capsByUser = new Map<string, CapsState>();
  /** Every send ever committed and not given back, in commit order (the proof's ground truth). */
  commits = 0;

  async read(userId: string, messageId: string): Promise<LedgerView> {
    const decision = this.decisions.get(keyOf(userId, messageId));
    return {
      ...(decision && { decision: withoutHistory(structuredClone(decision)) }),
      caps: structuredClone(this.capsByUser.get(userId) ?? emptyCaps()),
    };
  }

  /** The funnel's counters and touches, written with each decision as the DynamoDB ledger does. */
  readonly kpis = new InMemoryKpiStore();

  async record(decision: DecisionRecord, facts?: MeasurementFacts): Promise<'recorded' | 'decided-before'> {
    if (!this.undecided(decision)) return 'decided-before';
    this.write(decision);
    this.kpis.decide(decision, facts);
    return 'recorded';
  }

  /** Called at the start of each commitSend; lets a test play a concurrent writer. */
  beforeCommitSend?: (decision: DecisionRecord) => void;

  async commitSend(decision: DecisionRecord, caps: CapsState, facts?: MeasurementFacts): Promise<'committed' | 'decided-before' | 'caps-changed'> {
    this.beforeCommitSend?.(decision);
    if (!this.undecided(decision)) return 'decided-before';
    if ((this.capsByUser.get(decision.userId)?.version ?? 0) !== caps.version) return 'caps-changed';
    this.capsByUser.set(decision.userId, { version: caps.version + 1, sends: structuredClone(caps.sends) });
    this.write(decision);
    this.kpis.decide(decision, facts);
    this.commits++;
    return 'committed';
  }

  async confirm(userId: string, messageId: string, outcome: { status: 'sent' | 'unconfirmed'; providerMessageId?: string; at: Date }): Promise<void> {
    const stored = this.decisions.get(keyOf(userId, messageId));
    if (stored?.status !== 'sending') return;
    stored.status = outcome.status;
    if (outcome.providerMessageId) stored.providerMessageId = outcome.providerMessageId;
  }

  async giveBack(replacement: DecisionRecord, _at: Date): Promise<void> {
    const stored = this.decisions.get(keyOf(replacement.userId, replacement.messageId));
    if (stored?.status !== 'sending') return;
    const caps = this.capsByUser.get(replacement.userId) ?? emptyCaps();
    this.capsByUser.set(replacement.userId, { version: caps.version + 1, sends: caps.sends.filter((s) => s.messageId !== replacement.messageId) });
    this.write(replacement);
    this.kpis.giveBack(replacement);
    this.commits--;
  }

  /** The stored decision of a message. */
  get(userId: string, messageId: string): StoredDecision | undefined {
    return this.decisions.get(keyOf(userId, messageId));
  }

  private undecided(decision: DecisionRecord): boolean {
    const stored = this.decisions.get(keyOf(decision.userId, decision.messageId));
    return !stored || !FINAL_STATUSES.has(stored.status);
  }

  private write(decision: DecisionRecord): void {
    const key = keyOf(decision.userId, decision.messageId);
    const deferrals = this.decisions.get(key)?.deferrals ?? [];
    if (decision.status === 'deferred') deferrals.push({ at: decision.decidedAt, until: decision.deferredUntil!, reason: decision.reason! });
    this.decisions.set(key, { ...structuredClone(decision), deferrals });
  }
}

const keyOf = (userId: string, messageId: string) => `${userId}\u0000${messageId}`;
const withoutHistory = ({ deferrals: _d, ...decision }: StoredDecision): DecisionRecord => decision;

/** The shared GCRA schedule in memory (what the DynamoDB item holds), one per channel. */
export class InMemorySlotReserver implements SlotReserver {
  readonly tatUs = new Map<Channel, number>();
  reservations = 0;

  constructor(private readonly ratePerSecond: Record<RatedChannel, number>) {}

  async reserve(channel: Channel, count: number, now: Date, deadline: Date): Promise<{ slots: Date[]; retryAfterMs: number }> {
    this.reservations++;
    const rate = this.ratePerSecond[channel as RatedChannel];
    const reservation = reserveSlots({ tatUs: this.tatUs.get(channel), nowUs: toMicros(now), count, intervalUs: intervalMicros(rate), deadlineUs: toMicros(deadline) });
    if (reservation.slotsUs.length > 0) this.tatUs.set(channel, reservation.nextTatUs);
    return { slots: reservation.slotsUs.map(fromMicros), retryAfterMs: Math.ceil(reservation.retryAfterUs / 1000) };
  }
}

/** How a fake provider answers one publish. */
export type ProviderAnswer = 'ok' | 'rejected' | 'failed' | 'unknown';

/** A publish the fake provider took. */
export interface Delivered {
  channel: SendChannel;
  address: string;
  message: string;
  smsType?: string;
  at: number;
  providerMessageId: string;
}

/**
 * SNS push and SMS in one fake: records what was accepted (with the virtual time), and answers as
 * `answer` says: `rejected` (endpoint disabled), `failed` (surely not sent), `unknown` (a timeout: it
 * may have been sent, and here it was).
 */
export class FakeProvider {
  readonly delivered: Delivered[] = [];
  answer: (channel: SendChannel) => ProviderAnswer = () => 'ok';
  readonly optedOut = new Set<string>();
  optOutChecks = 0;

  constructor(private readonly now: () => number) {}

  readonly push: PushSender = { send: (endpointArn, message) => this.publish('push', endpointArn, message) };
  readonly sms: SmsSender = { send: (phoneNumber, text, smsType) => this.publish('sms', phoneNumber, text, smsType) };
  readonly smsOptOuts: SmsOptOuts = {
    isOptedOut: async (phoneNumber) => {
      this.optOutChecks++;
      return this.optedOut.has(phoneNumber);
    },
  };

  private async publish(channel: SendChannel, address: string, message: string, smsType?: string): Promise<string> {
    const answer = this.answer(channel);
    if (answer === 'rejected') throw new DeliverySendRejectedError('EndpointDisabled', 'ENDPOINT_DISABLED');
    if (answer === 'failed') throw new DeliverySendFailedError('Throttled');
    const providerMessageId = `provider-${this.delivered.length + 1}`;
    this.delivered.push({ channel, address, message, ...(smsType && { smsType }), at: this.now(), providerMessageId });
    if (answer === 'unknown') throw Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
    return providerMessageId;
  }
}

export class RecordingOutcomes implements DeliveryEvents {
  readonly published: { messageId: string; outcome: MessageOutcome }[] = [];
  async publish(intent: Intent, outcome: MessageOutcome) {
    this.published.push({ messageId: intent.messageId, outcome });
  }
}

/** Active campaigns from a list the test can change. */
export class StaticCampaignSource implements CampaignSource {
  constructor(public campaigns: Campaign[]) {}
  async active() {
    return this.campaigns;
  }
}

/** Recommends `P-1`, `P-2`, … (the ids of the factories) skipping excluded ids. */
export const sequentialRecommender = (size = 20): Recommender => ({
  recommend: async ({ count, exclude = [], seedProductIds = [] }) =>
    Array.from({ length: size }, (_, i) => `P-${i + 1}`)
      .filter((id) => !exclude.includes(id) && !seedProductIds.includes(id))
      .slice(0, count),
});

/**
 * A clock and `sleep` on virtual time: sleepers wake in time order when {@link VirtualTime.run} finds
 * nothing else to do (all pending work is promise chains on in-memory fakes, so one `setImmediate`
 * turn drains it).
 */
export class VirtualTime {
  #now: number;
  #seq = 0;
  readonly #sleepers: { at: number; seq: number; wake: () => void }[] = [];

  constructor(start: string | number = '2026-11-22T12:00:00.000Z') {
    this.#now = typeof start === 'number' ? start : Date.parse(start);
  }

  get nowMs(): number {
    return this.#now;
  }

  readonly clock = (): Date => new Date(this.#now);

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.#sleepers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, wake });
    });

  /** Moves time forward by hand (no sleeper may be due before the new time). */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** Awaits a promise whose work sleeps on this virtual time, waking sleepers until it settles. */
  async settle<T>(promise: Promise<T>, limitMs = 86_400_000): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined);
    await this.run(this.#now + limitMs, () => settled);
    return tracked;
  }

  /** Runs until `done` holds and nothing is left to wake, or virtual time passes `untilMs`. */
  async run(untilMs: number, done: () => boolean = () => false): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done() || this.#sleepers.length === 0) return;
      let next = 0;
      for (let i = 1; i < this.#sleepers.length; i++) {
        const s = this.#sleepers[i]!;
        const best = this.#sleepers[next]!;
        if (s.at < best.at || (s.at === best.at && s.seq < best.seq)) next = i;
      }
      if (this.#sleepers[next]!.at > untilMs) return;
      const [sleeper] = this.#sleepers.splice(next, 1);
      this.#now = Math.max(this.#now, sleeper!.at);
      sleeper!.wake();
    }
  }
}

/** Everything deliverIntent needs, in memory, on virtual time. */
export const deliveryHarness = (options: { campaigns: Campaign[]; policy?: Partial<DeliveryPolicy>; start?: string; seed?: number }) => {
  const time = new VirtualTime(options.start);
  const policy = deliveryPolicyFactory(options.policy);
  const provider = new FakeProvider(() => time.nowMs);
  const reserver = new InMemorySlotReserver(policy.ratePerSecond);
  let seed = options.seed ?? 42;
  const random = () => {
    // mulberry32: deterministic jitter
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const deps = {
    profiles: new InMemoryProfileStore(),
    campaigns: new StaticCampaignSource(options.campaigns),
    ledger: new InMemoryDeliveryLedger(),
    limiter: directRateLimiter(reserver, policy.maxRateWaitMs),
    push: provider.push,
    sms: provider.sms,
    inbox: new InMemoryInbox(),
    smsOptOuts: provider.smsOptOuts,
    recommender: sequentialRecommender(),
    timers: new InMemoryTimerStore(),
    deliveryEvents: new RecordingOutcomes(),
    ...(() => {
      const experiments = new InMemoryExperimentStore();
      return { rollouts: experiments, exposures: experiments };
    })(),
    policy,
    clock: time.clock,
    sleep: time.sleep,
    random,
  } satisfies DeliverIntentDeps;
  return { time, provider, reserver, deps };
};
