import type { Campaign } from '../../../../layers/core/campaigns/campaign';
import { behaviourOf } from '../../../../layers/core/kpis/behaviour';
import { DEFAULT_COSTS } from '../../../../layers/core/kpis/costs';
import { buildDailyReview } from '../../../../layers/core/kpis/daily-review';
import { cellOf } from '../../../../layers/core/kpis/funnel';
import type { CounterRow } from '../../../../layers/core/kpis/kpi-report';
import { describeAnomaly, findRateDrops, isJudgingRun } from '../../../../layers/core/kpis/monitor-campaigns';
import { renderDailyReview } from '../../../../layers/core/kpis/review-report';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-24T10:07:00Z');
const row = (campaignId: string, hoursAgo: number, counters: Record<string, number>): CounterRow => ({ cell: cellOf(campaignId, new Date(NOW - hoursAgo * HOUR).toISOString(), 'push', 'default'), counters });
const days = (campaignId: string, perDay: (daysAgo: number) => Record<string, number>) => Array.from({ length: 8 }, (_, d) => row(campaignId, d * 24 + 1, perDay(d)));

describe('findRateDrops', () => {
  it('judges the last 24 hours against the 7 × 24 before, conversion and CTR apart', () => {
    const rows = days('c', (d) => ({ sent: 2000, converted: d === 0 ? 140 : 200, opened: 1000 }));

    const [drop, ...others] = findRateDrops('c', rows, new Date(NOW));

    expect(others).toEqual([]);
    expect(drop).toMatchObject({ campaignId: 'c', rate: 'conversion', today: { trials: 2000, successes: 140 }, baseline: { trials: 14_000, successes: 1400 }, window: { to: '2026-11-24T10:00:00.000Z' } });
    expect(describeAnomaly(drop!).subject).toBe('Campaign c: conversion down 30%');
  });

  it('judges once a day, in the first hour of a UTC day', () => {
    expect(isJudgingRun(new Date('2026-11-24T00:07:00Z'))).toBe(true);
    expect(isJudgingRun(new Date('2026-11-24T01:07:00Z'))).toBe(false);
    expect(isJudgingRun(new Date('2026-11-24T23:59:00Z'))).toBe(false);
  });

  it('stays silent on small counts and on other campaigns’ cells', () => {
    expect(findRateDrops('c', days('c', (d) => ({ sent: 40, converted: d === 0 ? 0 : 4 })), new Date(NOW))).toEqual([]);
    expect(findRateDrops('other', days('c', (d) => ({ sent: 2000, converted: d === 0 ? 100 : 200 })), new Date(NOW))).toEqual([]);
  });
});

describe('the daily review', () => {
  const campaign = { id: 'c', name: 'Coupon', goals: { conversionRate: 0.3, ctr: 0.04 } } as Campaign;

  it('compares yesterday with the day before and the 7-day average, against the goals', () => {
    // Prepare: the 23rd is reviewed on the 24th; 100 sent a day, 20% converting, 40% on the 23rd
    const counters = Array.from({ length: 8 }, (_, i) => ({ cell: cellOf('c', `2026-11-${16 + i}T12:00:00Z`, 'push', 'default'), counters: { sent: 100, converted: i === 7 ? 40 : 20, opened: 5 } }));
    const { increments, feedback } = behaviourOf([
      { type: 'app_open', insertId: 'a', timestamp: '2026-11-23T09:00:00Z', receivedAt: '2026-11-23T09:00:00Z' },
      { type: 'product_view', insertId: 'v', timestamp: '2026-11-23T09:01:00Z', receivedAt: '2026-11-23T09:01:00Z', properties: { productId: 'p', dwellMs: 6000 } },
      { type: 'add_to_cart', insertId: 'c', timestamp: '2026-11-23T09:02:00Z', receivedAt: '2026-11-23T09:02:00Z', properties: { productId: 'p' } },
      { type: 'feedback', insertId: 'f', timestamp: '2026-11-23T09:03:00Z', receivedAt: '2026-11-23T09:03:00Z', properties: { rating: 5, text: '物流很快，很好', placement: 'order-confirmation' } },
    ]);

    // Act
    const review = buildDailyReview({ day: '2026-11-23', timeZone: 'Europe/London', campaigns: [campaign], counters, behaviour: increments, feedback, costs: DEFAULT_COSTS });

    // Assess
    expect(review.campaigns[0]).toMatchObject({
      conversionRate: { yesterday: 0.4, dayBefore: 0.2, sevenDayAverage: 0.2, goal: 0.3, attainment: 0.4 / 0.3 },
      ctr: { yesterday: 0.05, goal: 0.04 },
    });
    expect(review.behaviour.yesterday).toEqual({ day: '2026-11-23', sessions: 1, productViews: 1, meanDwellSeconds: 6, addToCartRate: 1 });
    expect(review.feedback).toMatchObject({ total: 1, bySentiment: { positive: 1 } });
    const html = renderDailyReview(review);
    expect(html).toContain('class="met">30.0%');
    expect(html).toContain('物流很快，很好');
    expect(html).not.toMatch(/<script/i);
  });
});
