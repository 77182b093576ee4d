import { parseCosts, returnOnInvestment } from '../../../../layers/core/kpis/costs';
import { incrementality } from '../../../../layers/core/kpis/incrementality';
import { emptyTotals, type FunnelTotals } from '../../../../layers/core/kpis/kpi-report';

const totals = (overrides: Partial<FunnelTotals>): FunnelTotals => ({ ...emptyTotals(), ...overrides });

describe('incrementality against the global holdout', () => {
  it('gives the lift in conversion with Newcombe’s interval and the relative lift with Katz’s', () => {
    // Newcombe (Statistics in Medicine, 1998), table II example (a): 56/70 vs 48/80, method 10 gives (0.0524, 0.3339)
    const lift = incrementality(totals({ sent: 70, converted: 56, held: 80, heldConverted: 48 }), 'GBP')!;

    expect(lift.conversionLift.value).toBeCloseTo(0.2, 10);
    expect(lift.conversionLift.low).toBeCloseTo(0.0524, 4);
    expect(lift.conversionLift.high).toBeCloseTo(0.3339, 4);
    // Katz: exp(ln(0.8 / 0.6) ± 1.96 √(1/56 − 1/70 + 1/48 − 1/80)) − 1
    const se = Math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80);
    expect(lift.relativeConversionLift!.value).toBeCloseTo(1 / 3, 10);
    expect(lift.relativeConversionLift!.low).toBeCloseTo((0.8 / 0.6) * Math.exp(-1.959964 * se) - 1, 5);
    expect(lift.incrementalConversions).toBeCloseTo(14, 10);
  });

  it('gives the revenue per unit difference with Welch’s interval from the counted squares', () => {
    // messaged: 100 units, 10 of them spent 50 → mean 5, Σx² 25,000; held: 100 units, 5 spent 50 → mean 2.5
    const lift = incrementality(totals({ sent: 100, held: 100, revenue: { GBP: 500 }, revenueSq: { GBP: 25_000 }, heldRevenue: { GBP: 250 }, heldRevenueSq: { GBP: 12_500 } }), 'GBP')!;

    const variance = (sum: number, squares: number) => (squares - 100 * (sum / 100) ** 2) / 99;
    const se = Math.sqrt(variance(500, 25_000) / 100 + variance(250, 12_500) / 100);
    expect(lift.revenueLift.value).toBeCloseTo(2.5, 10);
    expect(lift.revenueLift.high - lift.revenueLift.value).toBeCloseTo(1.959964 * se, 5);
    expect(lift.incrementalRevenue).toBeCloseTo(250, 10);
  });

  it('says nothing with fewer than 30 units on a side', () => {
    expect(incrementality(totals({ sent: 1000, held: 29 }), 'GBP')).toBeUndefined();
  });
});

describe('return on investment', () => {
  it('counts SMS by destination price, push, coupons and commission, and states them', () => {
    const costs = parseCosts(JSON.stringify({ currency: 'GBP', smsPrice: { GB: 0.04, '*': 0.1 }, pushPrice: 0.001, couponValue: 2, commissionRate: 0.1 }));
    const funnel = totals({ sent: 1000, smsSent: { GB: 100, US: 10 }, couponsRedeemed: 5, revenue: { GBP: 1000 } });

    const roi = returnOnInvestment(funnel, costs);

    expect(roi.costs).toEqual({ sms: 5, push: 0.89, coupons: 10, commission: 100, total: 115.89 });
    expect(roi.roi).toBeCloseTo((1000 - 115.89) / 115.89, 10);
    expect(roi.included).toHaveLength(4);
  });

  it('gives the incremental ROI from the holdout: incremental revenue net of commission over messaging costs', () => {
    const costs = parseCosts(JSON.stringify({ smsPrice: { '*': 0.05 }, commissionRate: 0.2 }));
    const funnel = totals({ sent: 100, smsSent: { GB: 100 } });

    const roi = returnOnInvestment(funnel, costs, { incrementalRevenue: 50 } as never);

    expect(roi.incrementalRoi).toBeCloseTo((50 * 0.8 - 5) / 5, 10);
  });

  it('refuses bad settings naming the field', () => {
    expect(() => parseCosts('{"commissionRate": 2}')).toThrow(/\/commissionRate/);
    expect(() => parseCosts('{"smsPrice": {"gb": 1}}')).toThrow(/smsPrice/);
  });
});
