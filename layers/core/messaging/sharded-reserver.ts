import type { Channel } from '../contract/pipeline-event';
import type { SlotReserver } from '../ports';
import type { RatedChannel } from './delivery-policy';

/**
 * Sends per second one limiter item is given: a DynamoDB partition takes about 1,000 writes a second,
 * a reservation is one write for up to ten slots (deliver's batch), so one item tops out near 10,000
 * sends a second with full batches; half of that leaves room for partial batches and retries.
 */
export const SENDS_PER_SHARD = 5_000;

/** How many limiter items a rate needs: one up to {@link SENDS_PER_SHARD} a second, then one more per step. */
export const shardsFor = (ratePerSecond: Readonly<Record<RatedChannel, number>>): number =>
  Math.max(1, Math.ceil(Math.max(ratePerSecond.push, ratePerSecond.sms) / SENDS_PER_SHARD));

/** Each shard's share of the rate: together they never exceed it, in any second. */
export const shareOf = (ratePerSecond: Readonly<Record<RatedChannel, number>>, shards: number): Record<RatedChannel, number> => ({
  push: ratePerSecond.push / shards,
  sms: ratePerSecond.sms / shards,
});

/**
 * The account-wide rate over several limiter items (shards), each with its share of the rate. A
 * reservation starts at the next shard in turn (so containers spread over them) and, when that one is
 * exhausted, asks the next ones for the rest before answering "throttled": the rate is used whole
 * however unevenly the containers land. Every shard keeps its own guarantee (never more than its share
 * in any second), so the sum keeps the account's.
 */
export class ShardedSlotReserver implements SlotReserver {
  private next: number;

  constructor(
    private readonly shards: readonly SlotReserver[],
    /** Where this container starts its rotation (spread containers; injected so tests are deterministic). */
    start = 0,
  ) {
    if (shards.length === 0) throw new RangeError('a sharded reserver needs at least one shard');
    this.next = start % shards.length;
  }

  async reserve(channel: Channel, count: number, now: Date, deadline: Date): Promise<{ slots: Date[]; retryAfterMs: number }> {
    const first = this.next;
    this.next = (this.next + 1) % this.shards.length;
    const slots: Date[] = [];
    let retryAfterMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.shards.length && slots.length < count; i++) {
      const result = await this.shards[(first + i) % this.shards.length]!.reserve(channel, count - slots.length, now, deadline);
      slots.push(...result.slots);
      if (result.retryAfterMs > 0) retryAfterMs = Math.min(retryAfterMs, result.retryAfterMs);
    }
    slots.sort((a, b) => a.getTime() - b.getTime());
    return { slots, retryAfterMs: slots.length < count ? (Number.isFinite(retryAfterMs) ? retryAfterMs : 1_000) : 0 };
  }
}
