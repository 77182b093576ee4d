import Ajv from 'ajv';
import type { FunnelTotals } from './kpi-report';
import type { Incrementality } from './incrementality';

/** What messaging costs, in `currency` (deployment configuration `measurementCosts`, docs/measurement.md). */
export interface CostSettings {
  /** ISO 4217: costs, revenue and ROI are in it; revenue in other currencies is reported, not in the ROI. */
  currency: string;
  /** Price of one SMS by destination country (ISO 3166), `*` for any other. */
  smsPrice: Record<string, number>;
  /** Price of one push (SNS mobile push: effectively 0 at most volumes). */
  pushPrice: number;
  /** What one redeemed coupon (a purchase with the code the campaign sent) costs the business. */
  couponValue: number;
  /** Share of revenue the sales platform or app store keeps (0–1). */
  commissionRate: number;
}

export const DEFAULT_COSTS: CostSettings = { currency: 'GBP', smsPrice: { '*': 0.05 }, pushPrice: 0, couponValue: 0, commissionRate: 0 };

const COSTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    smsPrice: { type: 'object', propertyNames: { pattern: '^([A-Z]{2}|\\*)$' }, additionalProperties: { type: 'number', minimum: 0 } },
    pushPrice: { type: 'number', minimum: 0 },
    couponValue: { type: 'number', minimum: 0 },
    commissionRate: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;
const checkCosts = new Ajv({ allErrors: true }).compile<Partial<CostSettings>>(COSTS_SCHEMA);

/** Reads cost settings from JSON (unset fields take {@link DEFAULT_COSTS}); throws naming every bad field. */
export const parseCosts = (json: string | undefined): CostSettings => {
  if (json === undefined || json.trim() === '') return DEFAULT_COSTS;
  const value: unknown = JSON.parse(json);
  if (!checkCosts(value)) throw new Error(checkCosts.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '));
  return { ...DEFAULT_COSTS, ...value, smsPrice: { ...DEFAULT_COSTS.smsPrice, ...value.smsPrice } };
};

export interface ReturnOnInvestment {
  currency: string;
  revenue: number;
  costs: { sms: number; push: number; coupons: number; commission: number; total: number };
  /** The costs this ROI includes, in words, for the report. */
  included: string[];
  /** (revenue − costs) / costs; undefined when nothing cost anything. */
  roi?: number;
  /** (incremental revenue net of commission − messaging and coupon costs) / those costs, from the holdout. */
  incrementalRoi?: number;
}

export const returnOnInvestment = (totals: FunnelTotals, settings: CostSettings, lift?: Incrementality): ReturnOnInvestment => {
  const smsCount = Object.values(totals.smsSent).reduce((a, b) => a + b, 0);
  const sms = Object.entries(totals.smsSent).reduce((sum, [country, count]) => sum + count * (settings.smsPrice[country] ?? settings.smsPrice['*'] ?? 0), 0);
  const push = (totals.sent - smsCount) * settings.pushPrice;
  const coupons = totals.couponsRedeemed * settings.couponValue;
  const revenue = totals.revenue[settings.currency] ?? 0;
  const commission = revenue * settings.commissionRate;
  const total = sms + push + coupons + commission;
  const direct = sms + push + coupons;
  const included = [
    `SMS at ${describePrices(settings)} ${settings.currency} by destination (${smsCount} sent)`,
    `push at ${settings.pushPrice} ${settings.currency} each`,
    `coupons redeemed at ${settings.couponValue} ${settings.currency} each (${totals.couponsRedeemed})`,
    `platform commission of ${(settings.commissionRate * 100).toFixed(1)}% of revenue`,
  ];
  return {
    currency: settings.currency,
    revenue,
    costs: { sms, push, coupons, commission, total },
    included,
    ...(total > 0 && { roi: (revenue - total) / total }),
    ...(lift && direct > 0 && { incrementalRoi: (lift.incrementalRevenue * (1 - settings.commissionRate) - direct) / direct }),
  };
};

const describePrices = (settings: CostSettings): string =>
  Object.entries(settings.smsPrice)
    .map(([country, price]) => `${country === '*' ? 'other' : country} ${price}`)
    .join(', ');
