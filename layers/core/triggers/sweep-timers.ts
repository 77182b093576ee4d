import type { Clock } from '../clock';
import type { IntentQueue, TimerStore } from '../ports';
import type { Timer } from './timer';

export interface SweepTimersInput {
  timers: TimerStore;
  intents: IntentQueue;
  clock: Clock;
  /** Timers read, enqueued and completed at a time. */
  pageSize?: number;
  /** Pages per sweep at most; the next sweep (a minute later) takes the rest. */
  maxPages?: number;
  /** Asked before each page; true stops the sweep (e.g. the function is running out of time). */
  shouldStop?: () => boolean;
  /** Timers completed at once. */
  concurrency?: number;
}

export interface SweepTimersResult {
  /** Timers whose intent this sweep enqueued and which it then completed. */
  fired: number;
  /**
   * Timers whose intent this sweep enqueued but which it did not complete: re-armed meanwhile (the new
   * arm stays and fires in its turn) or completed by a sweep running at the same time.
   */
  notCompleted: number;
  pages: number;
  /** How late the oldest due timer was (now − its due time), in ms; 0 when none was due. */
  oldestDueLagMs: number;
  /** True when the sweep stopped on its page or time budget, so timers may still be due. */
  truncated: boolean;
}

/**
 * Fires the timers that are due: enqueues their intents, then completes them, a page at a time, until
 * none is due as of the sweep's start (or the budget runs out). Exactly once per arming, even when two
 * sweeps run at the same time or one crashes midway: a timer is removed only after its intent is
 * enqueued, so a crash leaves it due and the next sweep enqueues it again; and every enqueue of one arming
 * carries the same deterministic message id, which deliver's message log lets through once.
 */
export const sweepTimers = async (input: SweepTimersInput): Promise<SweepTimersResult> => {
  const { timers, intents, pageSize = 100, maxPages = 100, concurrency = 25 } = input;
  // Timers that fall due while the sweep runs wait for the next one: the loop always ends.
  const now = input.clock();
  const result: SweepTimersResult = { fired: 0, notCompleted: 0, pages: 0, oldestDueLagMs: 0, truncated: false };
  /** Armings handled by this sweep: one that a store still returns (a lagging index) is not fired again. */
  const handled = new Set<string>();

  for (;;) {
    if (result.pages >= maxPages || input.shouldStop?.()) {
      result.truncated = true;
      return result;
    }
    const page = await timers.due(now, pageSize);
    result.pages++;
    if (result.pages === 1 && page.length > 0) {
      result.oldestDueLagMs = Math.max(0, ...page.map((timer) => now.getTime() - Date.parse(timer.dueAt)));
    }
    const due = page.filter((timer) => !handled.has(armingOf(timer)));
    if (due.length === 0) return result;
    for (const timer of due) handled.add(armingOf(timer));

    await intents.enqueue(due.map((timer) => timer.intent));
    for (let start = 0; start < due.length; start += concurrency) {
      const completed = await Promise.all(due.slice(start, start + concurrency).map((timer) => timers.complete(timer)));
      for (const done of completed) {
        if (done) result.fired++;
        else result.notCompleted++;
      }
    }
    if (page.length < pageSize) return result;
  }
};

const armingOf = (timer: Timer): string => `${timer.userId}\u0000${timer.key}\u0000${timer.armId}`;
