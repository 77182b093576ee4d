import type { SlotReserver } from '../ports';
import type { RatedChannel } from './delivery-policy';
import { DeliveryRateLimitedError } from './errors';

/** Hands out send times under the global per-channel rate. */
export interface RateLimiter {
  /**
   * A send time for one message, between `now` and `now + maxWait`; the caller waits until then.
   * Throws {@link DeliveryRateLimitedError} when there is none that soon.
   */
  acquire(channel: RatedChannel, now: Date): Promise<Date>;
}

/** One reservation per message. */
export const directRateLimiter = (reserver: SlotReserver, maxWaitMs: number): RateLimiter => ({
  acquire: async (channel, now) => {
    const { slots, retryAfterMs } = await reserver.reserve(channel, 1, now, new Date(now.getTime() + maxWaitMs));
    if (!slots[0]) throw new DeliveryRateLimitedError(channel, retryAfterMs);
    return slots[0];
  },
});

interface Waiter {
  channel: RatedChannel;
  now: Date;
  resolve: (slot: Date) => void;
  reject: (error: unknown) => void;
}

/** A record's place in a {@link BatchRateLimiter}. */
export interface RateLimiterSeat extends RateLimiter {
  /** Called when the record is done (sent or not); lets the batch's reservation go ahead without it. */
  leave(): void;
}

/**
 * Coalesces the slot reservations of one batch of records into one reservation per channel: every
 * record takes a seat, and when each seat has either asked for a slot or left, the asks are reserved
 * together (one conditional write for up to a whole batch instead of one per message). Deterministic:
 * no timers, it waits for exactly the records of the batch. A seat that asks again later (after a
 * caps conflict) reserves on its own.
 */
export class BatchRateLimiter {
  #open: number;
  #flushed = false;
  readonly #waiting: Waiter[] = [];

  constructor(
    private readonly reserver: SlotReserver,
    private readonly maxWaitMs: number,
    seats: number,
  ) {
    this.#open = seats;
  }

  /** A seat for one record; create exactly as many as the constructor was told, and `leave` each. */
  seat(): RateLimiterSeat {
    let taken = false;
    const direct = directRateLimiter(this.reserver, this.maxWaitMs);
    return {
      acquire: (channel, now) => {
        if (taken || this.#flushed) return direct.acquire(channel, now);
        taken = true;
        const slot = new Promise<Date>((resolve, reject) => this.#waiting.push({ channel, now, resolve, reject }));
        this.#close();
        return slot;
      },
      leave: () => {
        if (taken) return;
        taken = true;
        this.#close();
      },
    };
  }

  #close(): void {
    this.#open -= 1;
    if (this.#open > 0 || this.#flushed) return;
    this.#flushed = true;
    const byChannel = new Map<RatedChannel, Waiter[]>();
    for (const waiter of this.#waiting) byChannel.set(waiter.channel, [...(byChannel.get(waiter.channel) ?? []), waiter]);
    for (const [channel, waiters] of byChannel) void this.#reserve(channel, waiters);
  }

  async #reserve(channel: RatedChannel, waiters: Waiter[]): Promise<void> {
    waiters.sort((a, b) => a.now.getTime() - b.now.getTime());
    // Every waiter's slot must fall within its own wait bound: the earliest asker's bound holds for all.
    const deadline = new Date(waiters[0]!.now.getTime() + this.maxWaitMs);
    const now = waiters[waiters.length - 1]!.now;
    try {
      const { slots, retryAfterMs } = await this.reserver.reserve(channel, waiters.length, now, deadline);
      waiters.forEach((waiter, i) => {
        const slot = slots[i];
        if (slot) waiter.resolve(slot);
        else waiter.reject(new DeliveryRateLimitedError(channel, retryAfterMs));
      });
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }
}
