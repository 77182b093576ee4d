import { deliverIntent, rateLimitRetryDelayMs } from '../../../../layers/core/messaging/deliver-intent';
import { DeliveryRateLimitedError } from '../../../../layers/core/messaging/errors';
import type { Intent } from '../../../../layers/core/messaging/intent';
import { messageIdFor } from '../../../../layers/core/messaging/intent';
import fc from 'fast-check';
import { incrementFor, intervalMicros, reserveSlots, slotsEndingAt } from '../../../../layers/core/messaging/rate-limit';
import { BatchRateLimiter, directRateLimiter } from '../../../../layers/core/messaging/rate-limiter';
import type { SlotReserver } from '../../../../layers/core/ports';
import { sweepTimers } from '../../../../layers/core/triggers/sweep-timers';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryHarness, InMemorySlotReserver } from '../../../helpers/delivery-fakes';
import { profileFactory } from '../../../helpers/factories';

const T0 = Date.parse('2026-11-22T12:00:00.000Z');

/** The most sends in any half-open window [t, t + 1000 ms), over every placement of t (two pointers). */
const maxInAnySecond = (times: readonly number[]): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1_000) end++;
    max = Math.max(max, end - start);
  }
  return max;
};

describe('reserveSlots (GCRA without burst)', () => {
  it('spaces slots one interval apart from now, and moves the schedule past them', () => {
    expect(reserveSlots({ tatUs: undefined, nowUs: 1_000_000, count: 3, intervalUs: 10_000, deadlineUs: 3_000_000 })).toEqual({
      slotsUs: [1_000_000, 1_010_000, 1_020_000],
      nextTatUs: 1_030_000,
      retryAfterUs: 0,
    });
  });

  it('continues a schedule that is ahead of now, and forgets one that is behind', () => {
    expect(reserveSlots({ tatUs: 2_000_000, nowUs: 1_000_000, count: 1, intervalUs: 10_000, deadlineUs: 3_000_000 }).slotsUs).toEqual([2_000_000]);
    expect(reserveSlots({ tatUs: 500_000, nowUs: 1_000_000, count: 1, intervalUs: 10_000, deadlineUs: 3_000_000 }).slotsUs).toEqual([1_000_000]);
  });

  it('grants only the slots before the deadline and says when the next one is', () => {
    expect(reserveSlots({ tatUs: 1_000_000, nowUs: 1_000_000, count: 5, intervalUs: 10_000, deadlineUs: 1_025_000 })).toEqual({
      slotsUs: [1_000_000, 1_010_000, 1_020_000],
      nextTatUs: 1_030_000,
      retryAfterUs: 30_000,
    });
    expect(reserveSlots({ tatUs: 9_000_000, nowUs: 1_000_000, count: 1, intervalUs: 10_000, deadlineUs: 2_000_000 })).toEqual({ slotsUs: [], nextTatUs: 9_000_000, retryAfterUs: 8_000_000 });
  });

  it('rounds the interval up, so no rate is ever exceeded by rounding', () => {
    expect(intervalMicros(3)).toBe(333_334);
    expect(intervalMicros(100)).toBe(10_000);
    expect(() => intervalMicros(0)).toThrow(RangeError);
  });

  it.each([1, 3, 7, 20, 100, 333, 1000])('never puts more than %i slots in any second, however it is asked', (rate) => {
    // Prepare: requests of random sizes at random moments, deterministic
    let seed = rate;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    let tatUs: number | undefined;
    let nowUs = 0;
    const slots: number[] = [];

    // Act
    for (let i = 0; i < 2_000; i++) {
      nowUs += Math.floor(next() * 50_000);
      const r = reserveSlots({ tatUs, nowUs, count: 1 + Math.floor(next() * 10), intervalUs: intervalMicros(rate), deadlineUs: nowUs + 2_000_000 });
      if (r.slotsUs.length > 0) tatUs = r.nextTatUs;
      slots.push(...r.slotsUs.map((us) => us / 1000));
    }

    // Assess
    expect(maxInAnySecond(slots)).toBeLessThanOrEqual(rate);
  });
});

describe('incrementFor / slotsEndingAt (the atomic form for DynamoDB)', () => {
  it('grants exactly what reserveSlots grants when the schedule is ahead of now', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 1, max: 20 }), fc.constantFrom(1, 20, 100, 333), (nowUs, aheadUs, count, rate) => {
        const intervalUs = intervalMicros(rate);
        const tatUs = nowUs + aheadUs;
        const deadlineUs = nowUs + 2_000_000;
        const expected = reserveSlots({ tatUs, nowUs, count, intervalUs, deadlineUs });
        const { spanUs, lastStartUs } = incrementFor(count, intervalUs, deadlineUs);
        const allowed = tatUs <= lastStartUs;
        expect(allowed).toBe(expected.slotsUs.length === count);
        if (allowed) expect(slotsEndingAt(tatUs + spanUs, count, intervalUs)).toEqual(expected.slotsUs);
      }),
      { seed: 7, numRuns: 2_000 },
    );
  });
});

describe('BatchRateLimiter', () => {
  const countingReserver = () => {
    const inner = new InMemorySlotReserver({ push: 100, sms: 20 });
    const calls: { channel: string; count: number }[] = [];
    const reserver: SlotReserver = {
      reserve: (channel, count, now, deadline) => {
        calls.push({ channel, count });
        return inner.reserve(channel, count, now, deadline);
      },
    };
    return { reserver, calls };
  };

  it('reserves once per channel for the whole batch, after every record asked or left', async () => {
    // Prepare
    const { reserver, calls } = countingReserver();
    const batch = new BatchRateLimiter(reserver, 2_000, 4);
    const seats = [batch.seat(), batch.seat(), batch.seat(), batch.seat()];

    // Act
    const slots = [seats[0]!.acquire('push', new Date(T0)), seats[1]!.acquire('sms', new Date(T0)), seats[2]!.acquire('push', new Date(T0))];
    seats[3]!.leave();
    const granted = await Promise.all(slots);

    // Assess
    expect(calls).toEqual([{ channel: 'push', count: 2 }, { channel: 'sms', count: 1 }]);
    expect(granted.map((d) => d.getTime() - T0)).toEqual([0, 0, 10]);
  });

  it('refuses the records whose slot would be past the wait bound', async () => {
    // Prepare: 100/s with a 50 ms bound: 6 slots fit (0, 10 … 50 ms)
    const { reserver } = countingReserver();
    const batch = new BatchRateLimiter(reserver, 50, 10);
    const seats = Array.from({ length: 10 }, () => batch.seat());

    // Act
    const results = await Promise.allSettled(seats.map((seat) => seat.acquire('push', new Date(T0))));

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(4);
    expect(refused[0]!.reason).toBeInstanceOf(DeliveryRateLimitedError);
  });

  it('lets a seat that asks again reserve on its own', async () => {
    const { reserver, calls } = countingReserver();
    const batch = new BatchRateLimiter(reserver, 2_000, 1);
    const seat = batch.seat();
    await seat.acquire('push', new Date(T0));
    await seat.acquire('push', new Date(T0));
    expect(calls).toHaveLength(2);
  });
});

describe('rateLimitRetryDelayMs', () => {
  it('grows with the receive count, never below the estimate, never above 15 minutes', () => {
    expect(rateLimitRetryDelayMs(3_000, 1, () => 0)).toBe(3_000);
    expect(rateLimitRetryDelayMs(3_000, 1, () => 0.5)).toBe(4_500);
    expect(rateLimitRetryDelayMs(3_000, 3, () => 0.5)).toBe(9_000);
    expect(rateLimitRetryDelayMs(10, 1, () => 0)).toBe(1_000);
    expect(rateLimitRetryDelayMs(3_000, 30, () => 0.99)).toBe(900_000);
  });
});

/**
 * The proof the issue asks for: a burst of 10,000 intents through deliver — SQS with its visibility
 * timeouts, receive counts and DLQ after 5 receives; 25 concurrent containers taking batches of 10, each
 * batch reserving its slots together; throttled records delayed (ChangeMessageVisibility) and, from the
 * third receive, parked on durable timers that a sweeper re-enqueues every minute — on virtual time.
 */
describe('a burst of 10,000 intents', () => {
  it('never exceeds the push rate in any 1-second window, and all 10,000 are sent exactly once', async () => {
    // Prepare
    const RATE = 100;
    const USERS = 10_000;
    const campaign = campaignFactory({ id: 'burst', channels: ['push'] });
    const { deps, time, provider, reserver } = deliveryHarness({ campaigns: [campaign], policy: { ratePerSecond: { push: RATE, sms: 20 } }, start: '2026-11-22T12:00:00.000Z' });
    const queue: { intent: Intent; visibleAt: number; receiveCount: number }[] = [];
    const dlq: Intent[] = [];
    const enqueue = (intents: readonly Intent[]) => void queue.push(...intents.map((intent) => ({ intent, visibleAt: time.nowMs, receiveCount: 0 })));
    const intents: Intent[] = [];
    for (let i = 0; i < USERS; i++) {
      const userId = `burst-${i}`;
      deps.profiles.items.set(userId, profileFactory({ userId, timeZone: 'UTC' }));
      intents.push({ messageId: messageIdFor({ userId, campaignId: 'burst', occurrence: 'o' }), userId, campaignId: 'burst', channel: 'push', occurrence: 'o', triggeredAt: new Date(T0).toISOString(), context: {} });
    }
    enqueue(intents);
    const done = () => provider.delivered.length >= USERS && queue.length === 0;
    const VISIBILITY_MS = 180_000;
    let throttled = 0;

    const container = async () => {
      while (!done()) {
        const now = time.nowMs;
        const batch = queue.filter((m) => m.visibleAt <= now).slice(0, 10);
        for (const message of batch) {
          message.receiveCount++;
          message.visibleAt = now + VISIBILITY_MS;
        }
        const expired = batch.filter((m) => m.receiveCount > 5);
        for (const message of expired) {
          queue.splice(queue.indexOf(message), 1);
          dlq.push(message.intent);
        }
        const live = batch.filter((m) => m.receiveCount <= 5);
        if (live.length === 0) {
          await time.sleep(250); // long polling
          continue;
        }
        const limiter = new BatchRateLimiter(reserver, deps.policy.maxRateWaitMs, live.length);
        await Promise.all(
          live.map(async (message) => {
            const seat = limiter.seat();
            try {
              await deliverIntent(message.intent, { ...deps, limiter: seat }, { receiveCount: message.receiveCount });
              queue.splice(queue.indexOf(message), 1);
            } catch (error) {
              if (!(error instanceof DeliveryRateLimitedError)) throw error;
              throttled++;
              message.visibleAt = time.nowMs + rateLimitRetryDelayMs(error.retryAfterMs, message.receiveCount, deps.random);
            } finally {
              seat.leave();
            }
          }),
        );
      }
    };
    const sweeper = async () => {
      while (!done()) {
        await time.sleep(60_000);
        await sweepTimers({ timers: deps.timers, intents: { enqueue: async (due) => enqueue(due) }, clock: time.clock });
      }
    };

    // Act
    const running = Promise.all([...Array.from({ length: 25 }, container), sweeper()]);
    await time.run(T0 + 3_600_000, done);
    await time.run(T0 + 3_600_000); // let the loops see `done` and end
    await running;

    // Assess
    const times = provider.delivered.map((d) => d.at);
    const messageIds = new Set(provider.delivered.map((d) => JSON.parse(JSON.parse(d.message).GCM).fcmV1Message.message.data.messageId));
    expect(dlq).toHaveLength(0);
    expect(provider.delivered).toHaveLength(USERS);
    expect(messageIds.size).toBe(USERS);
    expect(maxInAnySecond(times)).toBeLessThanOrEqual(RATE);
    // Not vacuous: the limiter was the bottleneck, it throttled, and it still ran at its rate.
    expect(maxInAnySecond(times)).toBe(RATE);
    expect(throttled).toBeGreaterThan(0);
    expect([...deps.ledger.decisions.values()].filter((d) => d.deferrals.some((x) => x.reason === 'RATE_LIMITED')).length).toBeGreaterThan(0);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(((USERS - RATE) / RATE) * 1_000);
  }, 120_000);
});

describe('directRateLimiter', () => {
  it('hands out one slot or throws with the retry estimate', async () => {
    const reserver = new InMemorySlotReserver({ push: 1, sms: 1 });
    const limiter = directRateLimiter(reserver, 500);
    expect((await limiter.acquire('push', new Date(T0))).getTime()).toBe(T0);
    await expect(limiter.acquire('push', new Date(T0))).rejects.toMatchObject({ name: 'DeliveryRateLimitedError', retryAfterMs: 1_000 });
  });
});
