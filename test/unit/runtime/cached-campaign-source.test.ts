import type { Campaign } from '../../../layers/core/campaigns/campaign';
import type { CampaignSource } from '../../../layers/core/ports';
import { cachedCampaignSource } from '../../../layers/runtime/cached-campaign-source';
import { campaignFactory, virtualClock } from '../../helpers/campaign-factories';

/** A source that answers from a script of lists and failures, counting its reads. */
const scriptedSource = (...answers: (readonly Campaign[] | Error)[]) => {
  const source = {
    reads: 0,
    active: async () => {
      const answer = answers[Math.min(source.reads, answers.length - 1)]!;
      source.reads += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return source satisfies CampaignSource;
};

const first = [campaignFactory({ id: 'first' })];
const second = [campaignFactory({ id: 'second' })];

describe('cachedCampaignSource', () => {
  it('serves the cached list for ttlMs by the injected clock, then refreshes', async () => {
    // Prepare
    const { clock, advance } = virtualClock();
    const source = scriptedSource(first, second);
    const cached = cachedCampaignSource(source, { ttlMs: 60_000, clock });

    // Act
    const atStart = await cached.active();
    advance(59_999);
    const justBefore = await cached.active();
    advance(1);
    const atTtl = await cached.active();

    // Assess
    expect(atStart).toEqual(first);
    expect(justBefore).toEqual(first);
    expect(atTtl).toEqual(second);
    expect(source.reads).toBe(2);
  });

  it('reads through on every call when ttlMs is 0', async () => {
    // Prepare
    const { clock } = virtualClock();
    const source = scriptedSource(first, second);
    const cached = cachedCampaignSource(source, { ttlMs: 0, clock });

    // Act
    await cached.active();
    const again = await cached.active();

    // Assess
    expect(again).toEqual(second);
    expect(source.reads).toBe(2);
  });

  it('keeps serving the last good list when a refresh fails, and retries after another ttlMs', async () => {
    // Prepare
    const { clock, advance } = virtualClock();
    const failure = new Error('table unreachable');
    const source = scriptedSource(first, failure, second);
    const staleServed: unknown[] = [];
    const cached = cachedCampaignSource(source, { ttlMs: 1_000, clock, onStaleServed: (error) => staleServed.push(error) });

    // Act
    await cached.active();
    advance(1_000);
    const duringFailure = await cached.active();
    advance(999);
    const beforeRetry = await cached.active();
    advance(1);
    const afterRetry = await cached.active();

    // Assess
    expect(duringFailure).toEqual(first);
    expect(beforeRetry).toEqual(first);
    expect(afterRetry).toEqual(second);
    expect(source.reads).toBe(3);
    expect(staleServed).toEqual([failure]);
  });

  it('rethrows when it never had a list, and tries again on the next call', async () => {
    // Prepare
    const { clock } = virtualClock();
    const source = scriptedSource(new Error('table unreachable'), first);
    const cached = cachedCampaignSource(source, { ttlMs: 60_000, clock });

    // Act
    const failed = cached.active();
    await expect(failed).rejects.toThrow('table unreachable');
    const recovered = await cached.active();

    // Assess
    expect(recovered).toEqual(first);
    expect(source.reads).toBe(2);
  });

  it('serves the last good list with ttlMs 0 when a read fails', async () => {
    // Prepare
    const { clock } = virtualClock();
    const source = scriptedSource(first, new Error('throttled'));
    const cached = cachedCampaignSource(source, { ttlMs: 0, clock });

    // Act
    await cached.active();
    const afterFailure = await cached.active();

    // Assess
    expect(afterFailure).toEqual(first);
  });

  it('shares one read between concurrent callers', async () => {
    // Prepare
    const { clock } = virtualClock();
    const source = scriptedSource(first);
    const cached = cachedCampaignSource(source, { ttlMs: 60_000, clock });

    // Act
    const lists = await Promise.all([cached.active(), cached.active(), cached.active()]);

    // Assess
    expect(lists).toEqual([first, first, first]);
    expect(source.reads).toBe(1);
  });
});
