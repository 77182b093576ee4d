import { ShardedSlotReserver, shardsFor, shareOf } from '../../../../layers/core/messaging/sharded-reserver';
import type { SlotReserver } from '../../../../layers/core/ports';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const DEADLINE = new Date(NOW.getTime() + 60_000);

/** A shard with `capacity` slots left, one ms apart from `offsetMs`, that records what it was asked. */
const shard = (capacity: number, offsetMs: number, asked: number[]): SlotReserver => ({
  reserve: async (_channel, count) => {
    asked.push(count);
    const granted = Math.min(count, capacity);
    capacity -= granted;
    return { slots: Array.from({ length: granted }, (_, i) => new Date(NOW.getTime() + offsetMs + i)), retryAfterMs: granted < count ? 500 + offsetMs : 0 };
  },
});

describe('shardsFor', () => {
  it('keeps one limiter item up to 5,000 sends a second, and adds one per 5,000 above', () => {
    expect([shardsFor({ push: 100, sms: 20 }), shardsFor({ push: 5_000, sms: 1 }), shardsFor({ push: 5_001, sms: 1 }), shardsFor({ push: 20_000, sms: 50 })]).toEqual([1, 1, 2, 4]);
    expect(shareOf({ push: 20_000, sms: 50 }, 4)).toEqual({ push: 5_000, sms: 12.5 });
  });
});

describe('ShardedSlotReserver', () => {
  it('starts each reservation at the next shard in turn', async () => {
    const asked: number[][] = [[], [], []];
    const reserver = new ShardedSlotReserver(asked.map((a, i) => shard(100, i * 10, a)), 1);
    for (let i = 0; i < 4; i++) await reserver.reserve('push', 2, NOW, DEADLINE);
    expect(asked.map((a) => a.length)).toEqual([1, 2, 1]);
  });

  it('asks the next shards for what an exhausted one could not give, in send order', async () => {
    const asked: number[][] = [[], [], []];
    const reserver = new ShardedSlotReserver([shard(1, 20, asked[0]!), shard(2, 0, asked[1]!), shard(0, 40, asked[2]!)]);
    const result = await reserver.reserve('sms', 3, NOW, DEADLINE);
    expect(result.slots.map((slot) => slot.getTime() - NOW.getTime())).toEqual([0, 1, 20]);
    expect(result.retryAfterMs).toBe(0);
    expect(asked).toEqual([[3], [2], []]);
  });

  it('answers throttled with the soonest retry when every shard is exhausted', async () => {
    const reserver = new ShardedSlotReserver([shard(0, 300, []), shard(1, 100, [])]);
    const result = await reserver.reserve('push', 5, NOW, DEADLINE);
    expect(result.slots).toHaveLength(1);
    expect(result.retryAfterMs).toBe(600);
  });
});
