import fc from 'fast-check';
import type { Intent } from '../../../../layers/core/messaging/intent';
import { sweepTimers } from '../../../../layers/core/triggers/sweep-timers';
import type { Timer } from '../../../../layers/core/triggers/timer';
import { virtualClock } from '../../../helpers/campaign-factories';
import { InMemoryIntentQueue } from '../../../helpers/in-memory-ports';
import { InMemoryTimerStore } from '../../../helpers/in-memory-timer-store';
import { MINUTE, timerFactory as makeTimer } from '../../../helpers/trigger-factories';

const START = '2026-11-22T10:00:00.000Z';
const plus = (ms: number): string => new Date(Date.parse(START) + ms).toISOString();

/** A timer armed at START for `user`, due `dueInMs` later. */
const timerFactory = (user: string, dueInMs: number, armId = `arm-${user}`): Timer => makeTimer({ userId: user, armId, armedAt: START, dueInMs });

const armAll = (store: InMemoryTimerStore, timers: Timer[]) => store.apply(timers.map((timer) => ({ op: 'arm', timer })));

/** What deliver's ledger does with the queue: one decision per message id. */
const delivered = (intents: readonly Intent[]): Map<string, number> => {
  const decided = new Map<string, number>();
  for (const intent of intents) decided.set(intent.messageId, (decided.get(intent.messageId) ?? 0) + 1);
  return decided;
};

describe('sweepTimers', () => {
  let store: InMemoryTimerStore;
  let queue: InMemoryIntentQueue;
  let time: ReturnType<typeof virtualClock>;
  beforeEach(() => {
    store = new InMemoryTimerStore();
    queue = new InMemoryIntentQueue();
    time = virtualClock(START);
  });

  it('enqueues the intents of the due timers, oldest first, completes them, and leaves the others', async () => {
    // Prepare
    const timers = [timerFactory('carol', 2 * MINUTE), timerFactory('alice', 1 * MINUTE), timerFactory('bob', 3 * MINUTE), timerFactory('dave', 20 * MINUTE)];
    await armAll(store, timers);
    time.advance(5 * MINUTE);

    // Act
    const result = await sweepTimers({ timers: store, intents: queue, clock: time.clock });

    // Assess
    expect(result).toEqual({ fired: 3, notCompleted: 0, pages: 1, oldestDueLagMs: 4 * MINUTE, truncated: false });
    expect(queue.sent.map((i) => i.userId)).toEqual(['alice', 'carol', 'bob']);
    expect([...store.items.values()].map((t) => t.userId)).toEqual(['dave']);
  });

  it('reads page after page until nothing is due', async () => {
    // Prepare
    await armAll(store, Array.from({ length: 250 }, (_, i) => timerFactory(`user-${i}`, i * 1000)));
    time.advance(10 * MINUTE);

    // Act
    const result = await sweepTimers({ timers: store, intents: queue, clock: time.clock, pageSize: 100 });

    // Assess
    expect(result).toMatchObject({ fired: 250, pages: 3, truncated: false });
    expect(new Set(queue.sent.map((i) => i.messageId)).size).toBe(250);
    expect(store.items.size).toBe(0);
  });

  it('stops on its budget and leaves the rest to the next sweep', async () => {
    // Prepare
    await armAll(store, Array.from({ length: 30 }, (_, i) => timerFactory(`user-${i}`, i * 1000)));
    time.advance(MINUTE);
    let asked = 0;

    // Act
    const byPages = await sweepTimers({ timers: store, intents: queue, clock: time.clock, pageSize: 10, maxPages: 1 });
    const byTime = await sweepTimers({ timers: store, intents: queue, clock: time.clock, pageSize: 10, shouldStop: () => ++asked > 1 });
    const rest = await sweepTimers({ timers: store, intents: queue, clock: time.clock, pageSize: 10 });

    // Assess
    expect(byPages).toMatchObject({ fired: 10, truncated: true });
    expect(byTime).toMatchObject({ fired: 10, truncated: true });
    expect(rest).toMatchObject({ fired: 10, truncated: false });
    expect(delivered(queue.sent).size).toBe(30);
  });

  it('reports no lag and reads once when nothing is due', async () => {
    // Prepare
    await armAll(store, [timerFactory('alice', 10 * MINUTE)]);

    // Act
    const result = await sweepTimers({ timers: store, intents: queue, clock: time.clock });

    // Assess
    expect(result).toEqual({ fired: 0, notCompleted: 0, pages: 1, oldestDueLagMs: 0, truncated: false });
    expect(queue.sent).toEqual([]);
  });

  it('leaves a timer re-armed while it was being fired armed, for its new occurrence', async () => {
    // Prepare
    const old = timerFactory('alice', MINUTE, 'login-1');
    const rearmed = { ...timerFactory('alice', 3 * MINUTE, 'login-2'), armedAt: plus(MINUTE) };
    await armAll(store, [old]);
    store.beforeComplete = () => armAll(store, [rearmed]);
    time.advance(2 * MINUTE);

    // Act
    const first = await sweepTimers({ timers: store, intents: queue, clock: time.clock });
    store.beforeComplete = undefined;
    time.advance(2 * MINUTE);
    const second = await sweepTimers({ timers: store, intents: queue, clock: time.clock });

    // Assess
    expect(first).toMatchObject({ fired: 0, notCompleted: 1 });
    expect(second).toMatchObject({ fired: 1, notCompleted: 0 });
    expect(queue.sent.map((i) => i.occurrence)).toEqual(['login-1', 'login-2']);
  });

  it('loses nothing when the queue fails: the timers stay due for the next sweep', async () => {
    // Prepare
    await armAll(store, [timerFactory('alice', MINUTE), timerFactory('bob', MINUTE)]);
    time.advance(MINUTE);
    queue.failNext = 1;

    // Act
    await expect(sweepTimers({ timers: store, intents: queue, clock: time.clock })).rejects.toThrow('queue unavailable');
    const retry = await sweepTimers({ timers: store, intents: queue, clock: time.clock });

    // Assess
    expect(retry.fired).toBe(2);
    expect(store.items.size).toBe(0);
  });

  it('enqueues the same message id again after a crash between enqueue and complete, so deliver sends once', async () => {
    // Prepare
    const timer = timerFactory('alice', MINUTE);
    await armAll(store, [timer]);
    time.advance(MINUTE);
    store.beforeComplete = () => {
      throw new Error('crashed');
    };

    // Act
    await expect(sweepTimers({ timers: store, intents: queue, clock: time.clock })).rejects.toThrow('crashed');
    store.beforeComplete = undefined;
    await sweepTimers({ timers: store, intents: queue, clock: time.clock });

    // Assess
    expect(queue.sent.map((i) => i.messageId)).toEqual([timer.intent.messageId, timer.intent.messageId]);
    expect(delivered(queue.sent)).toEqual(new Map([[timer.intent.messageId, 2]]));
    expect(store.items.size).toBe(0);
  });

  it('fires every due arming exactly once, whatever sweeps run at the same time and wherever they crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.constantFrom('none', 'before-complete', 'after-complete'), { minLength: 1, maxLength: 50 }),
        async (count, pageSize, concurrentSweeps, crashes) => {
          // Prepare
          const timers = new InMemoryTimerStore();
          const intents = new InMemoryIntentQueue();
          const due = Array.from({ length: count }, (_, i) => timerFactory(`user-${i}`, (i % 7) * 1000));
          await armAll(timers, [...due, timerFactory('later', 30 * MINUTE)]);
          let completes = 0;
          const crashAt = () => crashes[completes++ % crashes.length];
          timers.beforeComplete = async () => {
            await Promise.resolve(); // let the other sweeps interleave
            if (crashAt() === 'before-complete') throw new Error('crashed');
          };
          timers.afterComplete = async () => {
            await Promise.resolve();
            if (crashAt() === 'after-complete') throw new Error('crashed');
          };
          const clock = () => new Date(plus(MINUTE));

          // Act: sweeps at the same time, some crashing, then sweeps until one finishes cleanly
          await Promise.allSettled(Array.from({ length: concurrentSweeps }, () => sweepTimers({ timers, intents, clock, pageSize, concurrency: 3 })));
          timers.beforeComplete = undefined;
          timers.afterComplete = undefined;
          await sweepTimers({ timers, intents, clock, pageSize });

          // Assess: each arming reached the queue, only ever under its own message id; nothing is left due
          const decisions = delivered(intents.sent);
          expect([...decisions.keys()].sort()).toEqual(due.map((t) => t.intent.messageId).sort());
          expect(await timers.due(new Date(plus(MINUTE)), 100)).toEqual([]);
          expect(timers.get('later', 'comeback-after-3-days#-')).toBeDefined();
        },
      ),
      { numRuns: 200, seed: 20261122 },
    );
  });
});
