import { lifecycleStage, type LifecycleInputs } from '../../../../layers/core/profile/lifecycle';

describe('lifecycleStage', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const activeToday = { '2026-11-22': 1 };
  const base: LifecycleInputs = { firstSeenAt: '2026-06-01T00:00:00Z', orders: 0, activityDays: activeToday };

  it.each<[string, Partial<LifecycleInputs>, string]>([
    ['first seen 13 days ago', { firstSeenAt: '2026-11-09T12:00:01Z' }, 'new'],
    ['never seen', { firstSeenAt: undefined }, 'new'],
    ['no interaction in 30 days', { activityDays: { '2026-10-23': 4 } }, 'churn-risk'],
    ['a buyer whose last purchase is 91 days old', { orders: 5, lastPurchaseAt: '2026-08-23T11:00:00Z' }, 'churn-risk'],
    ['3 orders, the last recent', { orders: 3, lastPurchaseAt: '2026-11-01T00:00:00Z' }, 'stable'],
    ['2 orders, active', { orders: 2, lastPurchaseAt: '2026-11-01T00:00:00Z' }, 'growth'],
    ['active, never bought, past two weeks', {}, 'growth'],
  ])('%s → %s', (_case, overrides, stage) => {
    expect(lifecycleStage({ ...base, ...overrides }, now)).toBe(stage);
  });
});
