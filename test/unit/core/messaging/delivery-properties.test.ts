import fc from 'fast-check';
import type { Campaign } from '../../../../layers/core/campaigns/campaign';
import type { Channel, IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { deliverIntent } from '../../../../layers/core/messaging/deliver-intent';
import { CAP_WINDOW_MS, type SendChannel } from '../../../../layers/core/messaging/delivery-policy';
import { DeliveryCapsContentionError, DeliveryRateLimitedError, DeliverySendFailedError } from '../../../../layers/core/messaging/errors';
import { messageIdFor, type Intent } from '../../../../layers/core/messaging/intent';
import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import { emptyProfile, type Profile } from '../../../../layers/core/profile/profile';
import { sweepTimers } from '../../../../layers/core/triggers/sweep-timers';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryHarness, type ProviderAnswer } from '../../../helpers/delivery-fakes';

/**
 * Property tests of delivery over random users, identify-event histories and intent sequences (with
 * replays, concurrent redeliveries, provider failures and time passing through quiet hours), checked
 * against oracles written independently of the code under test. 2,000 runs × 5 users = 10,000 profiles
 * per property, seeded.
 */

const USERS = 5;
const RUNS = 2_000;
const START = Date.parse('2026-03-27T18:00:00.000Z'); // a weekend with Europe's spring clock change in it
const HOUR = 3_600_000;

const BODY = { title: 'Hi', body: 'id {{productId}}', sms: 'id {{productId}}', recommendations: 0 };
const CAMPAIGNS: Campaign[] = [
  campaignFactory({ id: 'push-marketing', category: 'marketing', channels: ['push'], caps: { oncePerMs: 24 * HOUR }, content: [{ name: 'default', ...BODY }] }),
  campaignFactory({ id: 'push-then-sms', category: 'marketing', channels: ['push', 'sms'], caps: { oncePerMs: 3 * 24 * HOUR }, content: [{ name: 'default', ...BODY }] }),
  campaignFactory({ id: 'sms-transactional', category: 'transactional', channels: ['sms', 'push'], caps: { oncePerMs: 0 }, content: [{ name: 'default', ...BODY }] }),
  campaignFactory({ id: 'push-transactional', category: 'transactional', channels: ['push'], caps: { oncePerMs: HOUR }, audience: { lifecycleStages: ['new', 'growth'] }, content: [{ name: 'default', ...BODY }] }),
];
const ZONES = ['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC', 'Not/AZone', undefined];
const QUIET_START = 22 * 60;
const QUIET_END = 8 * 60;

// ---- arbitraries --------------------------------------------------------------------------------

const consentArb = fc.option(fc.boolean(), { nil: undefined });
const identifyArb = fc.record({
  push: consentArb,
  sms: consentArb,
  timeZone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  endpoint: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  phone: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
});
const userArb = fc.record({ first: identifyArb, lifecycleStage: fc.constantFrom('new', 'growth', 'stable', 'churn-risk' as const) });
const intentRef = fc.record({ user: fc.nat(USERS - 1), campaign: fc.nat(CAMPAIGNS.length - 1), occurrence: fc.nat(3) });
const stepArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('intent' as const), intent: intentRef }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('together' as const), intents: fc.array(intentRef, { minLength: 2, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('identify' as const), user: fc.nat(USERS - 1), identify: identifyArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 10 * HOUR }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('provider' as const), answers: fc.array(fc.constantFrom<ProviderAnswer>('ok', 'failed', 'rejected', 'unknown'), { minLength: 1, maxLength: 3 }) }) },
);
const scenarioArb = fc.record({
  users: fc.array(userArb, { minLength: USERS, maxLength: USERS }),
  defaultTimeZone: fc.option(fc.constantFrom('Europe/Paris', 'America/Los_Angeles'), { nil: undefined }),
  startOffset: fc.integer({ min: 0, max: 24 * HOUR }),
  steps: fc.array(stepArb, { minLength: 5, maxLength: 25 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

// ---- the runner ---------------------------------------------------------------------------------

/** A send the provider took, with the user's profile as it was at that moment. */
interface TraceSend {
  userId: string;
  messageId: string;
  campaign: Campaign;
  channel: SendChannel;
  address: string;
  at: number;
  profile: Profile;
}

const endpointOf = (user: number, n: number) => `arn:aws:sns:eu-west-1:000000000000:endpoint/GCM/app/u${user}-${n}`;
const phoneOf = (user: number, n: number) => `+4477009${user}${n}000`;

/** Runs a scenario: identify events folded into profiles, intents delivered (replayed, concurrent, retried), timers swept. */
const runScenario = async (scenario: Scenario): Promise<{ sends: TraceSend[]; decisions: number; deferred: number }> => {
  const start = new Date(START + scenario.startOffset).toISOString();
  const { deps, time, provider } = deliveryHarness({
    campaigns: CAMPAIGNS,
    start,
    policy: { ratePerSecond: { push: 1_000, sms: 1_000 }, ...(scenario.defaultTimeZone && { defaultTimeZone: scenario.defaultTimeZone }) },
  });
  const sends: TraceSend[] = [];
  const userOfAddress = new Map<string, string>();
  let eventCount = 0;

  const identify = (user: number, change: Scenario['users'][number]['first']) => {
    const userId = `u${user}`;
    const consent: Partial<Record<Channel, boolean>> = {};
    if (change.push !== undefined) consent.push = change.push;
    if (change.sms !== undefined) consent.sms = change.sms;
    const event: IngestedEvent = {
      type: 'identify',
      insertId: `identify-${++eventCount}`,
      userId,
      timestamp: time.clock().toISOString(),
      receivedAt: time.clock().toISOString(),
      properties: {
        consent,
        ...(change.timeZone !== undefined && { timeZone: change.timeZone }),
        ...(change.endpoint !== undefined && { pushEndpointArn: endpointOf(user, change.endpoint) }),
        ...(change.phone !== undefined && { phoneNumber: phoneOf(user, change.phone) }),
      },
    };
    if (change.endpoint !== undefined) userOfAddress.set(endpointOf(user, change.endpoint), userId);
    if (change.phone !== undefined) userOfAddress.set(phoneOf(user, change.phone), userId);
    const current = deps.profiles.items.get(userId) ?? emptyProfile(userId);
    deps.profiles.items.set(userId, foldProfile(current, [event]).profile);
  };
  scenario.users.forEach((user, i) => {
    identify(i, user.first);
    deps.profiles.items.get(`u${i}`)!.lifecycleStage = user.lifecycleStage;
  });

  // Every publish the provider takes is traced with the profile of that instant.
  const messageIdsByCampaign = new Map<string, string>();
  const answers: ProviderAnswer[] = [];
  provider.answer = () => answers.shift() ?? 'ok';
  const traced = async (channel: SendChannel, address: string, text: string, publish: () => Promise<string>) => {
    const record = () => {
      const userId = userOfAddress.get(address)!;
      const messageId = /id m:(\w+)/.exec(channel === 'push' ? JSON.parse(text).default : text)![1]!;
      const campaign = CAMPAIGNS.find((c) => messageIdsByCampaign.get(messageId) === c.id)!;
      sends.push({ userId, messageId, campaign, channel, address, at: time.nowMs, profile: structuredClone(deps.profiles.items.get(userId)!) });
    };
    try {
      const providerMessageId = await publish();
      record();
      return providerMessageId;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') record(); // an unknown outcome: the fake did send it
      throw error;
    }
  };
  deps.push = { send: (address, message) => traced('push', address, message, () => provider.push.send(address, message)) };
  deps.sms = { send: (address, text, type) => traced('sms', address, text, () => provider.sms.send(address, text, type)) };

  const intentOf = (ref: { user: number; campaign: number; occurrence: number }): Intent => {
    const userId = `u${ref.user}`;
    const campaignId = CAMPAIGNS[ref.campaign]!.id;
    const occurrence = `o${ref.occurrence}`;
    const messageId = messageIdFor({ userId, campaignId, occurrence });
    messageIdsByCampaign.set(messageId, campaignId);
    return { messageId, userId, campaignId, channel: 'push', occurrence, triggeredAt: time.clock().toISOString(), context: { productId: `m:${messageId}` } };
  };

  // The queue's retries: an intent whose delivery threw a retryable error comes back (receive count + 1).
  let retries: { intent: Intent; receiveCount: number }[] = [];
  const deliver = async (intent: Intent, receiveCount = 1) => {
    try {
      await deliverIntent(intent, deps, { receiveCount });
    } catch (error) {
      const retryable = error instanceof DeliverySendFailedError || error instanceof DeliveryRateLimitedError || error instanceof DeliveryCapsContentionError;
      if (!retryable) throw error;
      if (receiveCount < 5) retries.push({ intent, receiveCount: receiveCount + 1 });
    }
  };
  const deliverAll = (intents: { intent: Intent; receiveCount?: number }[]) => time.settle(Promise.all(intents.map((i) => deliver(i.intent, i.receiveCount))));
  const flushRetries = async () => {
    const due = retries;
    retries = [];
    await deliverAll(due);
  };
  const sweep = async () => {
    const fired: Intent[] = [];
    await sweepTimers({ timers: deps.timers, intents: { enqueue: async (intents) => void fired.push(...intents) }, clock: time.clock });
    await deliverAll(fired.map((intent) => ({ intent })));
  };

  for (const step of scenario.steps) {
    if (step.kind === 'intent') await deliverAll([{ intent: intentOf(step.intent) }]);
    if (step.kind === 'together') await deliverAll(step.intents.map((ref) => ({ intent: intentOf(ref) })));
    if (step.kind === 'identify') identify(step.user, step.identify);
    if (step.kind === 'provider') answers.push(...step.answers);
    if (step.kind === 'advance') {
      // Time passes in sweeper-sized steps of at most an hour, so due timers fire on time.
      for (let left = step.ms; left > 0; left -= HOUR) {
        time.advance(Math.min(left, HOUR));
        await sweep();
      }
    }
    await flushRetries();
  }
  time.advance(26 * HOUR);
  await sweep();
  await flushRetries();
  const decisions = [...deps.ledger.decisions.values()];
  return { sends, decisions: decisions.length, deferred: decisions.filter((d) => d.deferrals.length > 0).length };
};

// ---- independent oracles ------------------------------------------------------------------------

const localMinute = (instant: number, zone: string): number => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant));
  return Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
};
const knownZone = (zone: string | undefined): zone is string => {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Counts over every rolling window ending at a send: the window (t − 24 h, t]. */
const maxInRollingDay = (times: number[]): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - CAP_WINDOW_MS) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
};

const check = (name: string, seed: number, invariant: (trace: Awaited<ReturnType<typeof runScenario>>, scenario: Scenario) => void) =>
  it(
    name,
    async () => {
      const totals = { sends: 0, sms: 0, deferred: 0, decisions: 0 };
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (scenario) => {
          const trace = await runScenario(scenario);
          totals.sends += trace.sends.length;
          totals.sms += trace.sends.filter((s) => s.channel === 'sms').length;
          totals.deferred += trace.deferred;
          totals.decisions += trace.decisions;
          invariant(trace, scenario);
        }),
        { seed, numRuns: RUNS },
      );
      // Not vacuous: the scenarios send (by push and SMS), defer and suppress in good numbers.
      expect(totals.sends).toBeGreaterThan(1_000);
      expect(totals.sms).toBeGreaterThan(100);
      expect(totals.deferred).toBeGreaterThan(100);
      expect(totals.decisions).toBeGreaterThan(totals.sends * 2);
    },
    300_000,
  );

describe(`delivery properties (${RUNS} runs × ${USERS} users each)`, () => {
  check('0 sends without consent for the channel, to the address the profile has at that moment', 5_001, ({ sends }) => {
    for (const send of sends) {
      expect(send.profile.consent[send.channel]?.granted).toBe(true);
      expect(send.channel === 'push' ? send.profile.channels.push?.endpointArn : send.profile.channels.sms?.phoneNumber).toBe(send.address);
    }
  });

  check('0 sends in quiet hours, in the user zone (or the default zone), and none when no zone is known', 5_002, ({ sends }, scenario) => {
    for (const send of sends) {
      const zone = knownZone(send.profile.timeZone) ? send.profile.timeZone : scenario.defaultTimeZone;
      expect(zone).toBeDefined();
      const minute = localMinute(send.at, zone!);
      expect(minute >= QUIET_START || minute < QUIET_END).toBe(false);
    }
  });

  check('caps never exceeded in any rolling 24 h window, and once per campaign window', 5_003, ({ sends }) => {
    const byUser = new Map<string, TraceSend[]>();
    for (const send of sends) byUser.set(send.userId, [...(byUser.get(send.userId) ?? []), send]);
    for (const userSends of byUser.values()) {
      expect(maxInRollingDay(userSends.filter((s) => s.channel === 'push').map((s) => s.at))).toBeLessThanOrEqual(3);
      expect(maxInRollingDay(userSends.filter((s) => s.channel === 'sms').map((s) => s.at))).toBeLessThanOrEqual(1);
      expect(maxInRollingDay(userSends.filter((s) => s.campaign.category === 'marketing').map((s) => s.at))).toBeLessThanOrEqual(1);
      for (const campaign of CAMPAIGNS) {
        const times = userSends.filter((s) => s.campaign.id === campaign.id).map((s) => s.at).sort((a, b) => a - b);
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(campaign.caps.oncePerMs);
      }
    }
  });

  check('0 duplicate sends under replays, concurrent redeliveries and retries', 5_004, ({ sends }) => {
    expect(new Set(sends.map((s) => s.messageId)).size).toBe(sends.length);
  });

});
