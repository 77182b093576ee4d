/** Progress of one lane (a shard, or the queue): the last poll that found nothing, and whether it is done. */
interface Lane {
  emptyTick: number;
  closed: boolean;
}

interface Waiter {
  readonly since: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Tells when a poller has caught up. Every poll takes a tick; a lane that polls and finds nothing,
 * with nothing buffered or in progress, records that tick. `waitForIdle()` resolves once every lane
 * has recorded a tick taken after the call: whatever was in the source when it was called has been
 * read and handled.
 */
export class IdleTracker {
  #tick = 0;
  readonly #lanes = new Map<string, Lane>();
  #waiters: Waiter[] = [];

  constructor(private readonly description: string) {}

  /** Registers a lane (shard id, queue name). */
  addLane(id: string): void {
    this.#lanes.set(id, { emptyTick: 0, closed: false });
  }

  /** A new poll begins; returns its tick. */
  beginPoll(): number {
    this.#tick += 1;
    return this.#tick;
  }

  /** The poll with `tick` found nothing, and nothing is buffered or in progress in `lane`. */
  markEmpty(lane: string, tick: number): void {
    const state = this.#lanes.get(lane);
    if (state) state.emptyTick = tick;
    this.#settle();
  }

  /** The lane will never have more records (a closed shard). */
  markClosed(lane: string): void {
    const state = this.#lanes.get(lane);
    if (state) state.closed = true;
    this.#settle();
  }

  /** Resolves once every lane polled empty after this call; rejects after `timeoutMs`. */
  waitForIdle(timeoutMs: number): Promise<void> {
    const since = this.#tick;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.timer !== timer);
        reject(new Error(`${this.description} did not become idle within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push({ since, resolve, reject, timer });
      this.#settle();
    });
  }

  /** Rejects every waiter: the poller stopped. */
  cancel(reason: string): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${this.description}: ${reason}`));
    }
    this.#waiters = [];
  }

  #settle(): void {
    if (this.#lanes.size === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      const idle = [...this.#lanes.values()].every((lane) => lane.closed || lane.emptyTick > waiter.since);
      if (idle) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
      return !idle;
    });
  }
}
