import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import { nightlyRescore } from '../../../../layers/core/profile/nightly-rescore';
import { emptyProfile, type Profile } from '../../../../layers/core/profile/profile';
import { ingestedEventFactory } from '../../../helpers/factories';
import { InMemoryProfileStore } from '../../../helpers/in-memory-ports';

describe('nightlyRescore', () => {
  const now = new Date('2026-11-22T03:00:00Z');
  let profiles: InMemoryProfileStore;
  const scan = () =>
    (async function* () {
      yield [...profiles.items.values()].map((p) => structuredClone(p));
    })();

  const buyer = (userId: string, orders: number, daysAgo: number, amount: number): Profile => {
    const events = Array.from({ length: orders }, (_, i) =>
      ingestedEventFactory({
        userId,
        type: 'purchase',
        timestamp: new Date(now.getTime() - (daysAgo + i) * 86_400_000).toISOString(),
        properties: { orderId: `${userId}-${i}`, currency: 'GBP', items: [{ productId: 'p', quantity: 1, price: amount / orders }] },
      }),
    );
    return { ...foldProfile(emptyProfile(userId), events).profile, version: 1 };
  };

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    for (let i = 1; i <= 10; i++) profiles.items.set(`c${i}`, buyer(`c${i}`, i, 100 - i * 9, i * 100));
    profiles.items.set('browser', { ...foldProfile(emptyProfile('browser'), [ingestedEventFactory({ userId: 'browser', type: 'login', timestamp: '2026-11-21T00:00:00Z' })]).profile, version: 1 });
  });

  it('scores every buyer by population quintiles and re-derives everyone', async () => {
    // Act
    const result = await nightlyRescore({ scan, profiles, now, currency: 'GBP' });

    // Assess
    expect(result).toMatchObject({ profiles: 11, customers: 10, conflicts: 0 });
    expect(profiles.items.get('c10')?.rfm).toMatchObject({ r: 5, f: 5, m: 5, segment: 'champions', frequency: 10, monetary: 1000 });
    expect(profiles.items.get('c1')?.rfm).toMatchObject({ r: 1, f: 1, m: 1, segment: 'lost' });
    expect(profiles.items.get('c10')?.tags).toContain('high-spender');
    expect(profiles.items.get('browser')).toMatchObject({ version: 2, activityLevel: 'medium', derivedAt: now.toISOString() });
    expect(profiles.items.get('browser')?.rfm).toBeUndefined();
    expect(Object.values(result.segments).reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('scores a profile again when it changed during the run, never overwriting the change', async () => {
    // Prepare
    let raced = false;
    profiles.beforeSave = (profile) => {
      if (profile.userId !== 'c5' || raced) return;
      raced = true;
      const stored = profiles.items.get('c5')!;
      profiles.items.set('c5', { ...stored, version: stored.version + 1, counters: { ...stored.counters, login: 1 } });
    };

    // Act
    const result = await nightlyRescore({ scan, profiles, now, currency: 'GBP' });

    // Assess
    expect(result.conflicts).toBe(1);
    expect(profiles.items.get('c5')).toMatchObject({ version: 3, counters: { login: 1 }, rfm: expect.any(Object) });
  });
});
