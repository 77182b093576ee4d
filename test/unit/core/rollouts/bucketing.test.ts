import { assignArm, bucketOf, BUCKETS } from '../../../../layers/core/rollouts/bucketing';

const PLAN = { controlShare: 0.5, variants: [{ name: 'default', weight: 1 }] };
const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

describe('bucketOf', () => {
  it('is stable and spreads users evenly over the buckets', () => {
    // Act
    const buckets = users.map((u) => bucketOf(u, 'c1', 'exposure'));

    // Assess
    expect(bucketOf('user-1', 'c1', 'exposure')).toBe(buckets[1]);
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(BUCKETS);
    const firstTenth = buckets.filter((b) => b < BUCKETS / 10).length / users.length;
    expect(firstTenth).toBeGreaterThan(0.09);
    expect(firstTenth).toBeLessThan(0.11);
  });

  it('gives independent buckets per campaign and per purpose', () => {
    // Act
    const same = users.filter((u) => bucketOf(u, 'c1', 'exposure') < 5_000 === bucketOf(u, 'c2', 'exposure') < 5_000).length / users.length;
    const purposes = users.filter((u) => bucketOf(u, 'c1', 'exposure') < 5_000 === bucketOf(u, 'c1', 'control') < 5_000).length / users.length;

    // Assess: agreement of two independent halves is about one half
    expect(same).toBeGreaterThan(0.48);
    expect(same).toBeLessThan(0.52);
    expect(purposes).toBeGreaterThan(0.48);
    expect(purposes).toBeLessThan(0.52);
  });
});

describe('assignArm', () => {
  it('only grows exposure: everyone exposed at 5% is exposed at 20%, 50% and 100%, in the same arm', () => {
    // Act
    const at = (percent: number) => new Map(users.map((u) => [u, assignArm(u, 'c1', percent, PLAN)]));
    const [five, twenty, fifty, all] = [5, 20, 50, 100].map(at);

    // Assess
    for (const [user, arm] of five!) {
      if (arm.arm === 'unexposed') continue;
      expect(twenty!.get(user)).toEqual(arm);
      expect(fifty!.get(user)).toEqual(arm);
      expect(all!.get(user)).toEqual(arm);
    }
    const exposed = (m: Map<string, { arm: string }>) => [...m.values()].filter((a) => a.arm !== 'unexposed').length / users.length;
    expect(exposed(five!)).toBeCloseTo(0.05, 2);
    expect(exposed(twenty!)).toBeCloseTo(0.2, 2);
    expect(exposed(all!)).toBe(1);
  });

  it('keeps the control share among exposed users at every stage, and splits treatment by the variant weights', () => {
    // Prepare
    const plan = { controlShare: 0.2, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }] };

    // Act
    const arms = users.map((u) => assignArm(u, 'c1', 100, plan));

    // Assess
    const share = (pick: (a: (typeof arms)[number]) => boolean) => arms.filter(pick).length / arms.length;
    expect(share((a) => a.arm === 'control')).toBeCloseTo(0.2, 1);
    expect(share((a) => a.arm === 'treatment' && a.variant === 'a')).toBeCloseTo(0.2, 1);
    expect(share((a) => a.arm === 'treatment' && a.variant === 'b')).toBeCloseTo(0.6, 1);
  });

  it('exposes nobody at 0%', () => {
    expect(users.slice(0, 1000).every((u) => assignArm(u, 'c1', 0, PLAN).arm === 'unexposed')).toBe(true);
  });
});
