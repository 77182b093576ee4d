import type { Campaign } from '../campaigns/campaign';
import { summarizeFeedback, type FeedbackSummary } from './classify-feedback';
import type { BehaviourIncrement, KeptFeedback } from './behaviour';
import { summarizeKpis, type KpiSummary } from './campaign-summary';
import type { CostSettings } from './costs';
import { emptyTotals, funnelRows, localDayOf, ratesOf, addCounters, type CounterRow, type FunnelTotals } from './kpi-report';

const DAY_MS = 86_400_000;
export const shiftDay = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A rate yesterday, the day before, and on average over the 7 days before yesterday. */
export interface RateComparison {
  yesterday?: number;
  dayBefore?: number;
  sevenDayAverage?: number;
  goal?: number;
  /** yesterday / goal; undefined without a goal or without sends. */
  attainment?: number;
}

export interface CampaignReview {
  campaignId: string;
  name: string;
  yesterday: FunnelTotals;
  conversionRate: RateComparison;
  ctr: RateComparison;
  /** Conversion per local day over the 8 days, oldest first (the chart). */
  daily: { day: string; sent: number; conversionRate?: number; ctr?: number }[];
}

export interface BehaviourDay {
  day: string;
  sessions: number;
  productViews: number;
  /** Mean dwell on a product page, seconds. */
  meanDwellSeconds?: number;
  addToCartRate?: number;
}

export interface DailyReview {
  /** The local day reviewed. */
  day: string;
  timeZone: string;
  campaigns: CampaignReview[];
  /** Yesterday's programme summary: funnel, lift over the holdout, ROI. */
  kpis: KpiSummary;
  behaviour: { yesterday: BehaviourDay; dayBefore: BehaviourDay; sevenDayAverage: BehaviourDay; daily: BehaviourDay[] };
  feedback: FeedbackSummary;
}

/**
 * The daily review of local day `day` in `timeZone`: each campaign's conversion and CTR yesterday against
 * the day before and the 7-day average, attainment of the campaign file's goals, the programme's lift
 * and ROI, behaviour (sessions, product-view dwell, add-to-cart rate) and classified user feedback.
 */
export const buildDailyReview = (input: {
  day: string;
  timeZone: string;
  campaigns: readonly Campaign[];
  counters: readonly CounterRow[];
  behaviour: readonly BehaviourIncrement[];
  feedback: readonly KeptFeedback[];
  costs: CostSettings;
}): DailyReview => {
  const { day, timeZone } = input;
  const first = shiftDay(day, -7);
  const perDay = funnelRows(input.counters, { from: first, to: day, timeZone, by: ['day'] });
  const campaigns = input.campaigns.map((campaign): CampaignReview => {
    const days = Array.from({ length: 8 }, (_, i) => shiftDay(first, i));
    const totalsOn = (d: string) => perDay.find((r) => r.campaignId === campaign.id && r.day === d)?.totals ?? emptyTotals();
    const week = days.slice(0, 7).reduce((sum, d) => addCounters(sum, { sent: totalsOn(d).sent, converted: totalsOn(d).converted, opened: totalsOn(d).opened }), emptyTotals());
    const compare = (rate: 'conversionRate' | 'ctr', goal?: number): RateComparison => {
      const yesterday = ratesOf(totalsOn(day), 'XXX')[rate];
      return {
        ...(yesterday !== undefined && { yesterday }),
        ...defined('dayBefore', ratesOf(totalsOn(shiftDay(day, -1)), 'XXX')[rate]),
        ...defined('sevenDayAverage', ratesOf(week, 'XXX')[rate]),
        ...(goal !== undefined && { goal, ...(yesterday !== undefined && { attainment: yesterday / goal }) }),
      };
    };
    return {
      campaignId: campaign.id,
      name: campaign.name,
      yesterday: totalsOn(day),
      conversionRate: compare('conversionRate', campaign.goals?.conversionRate),
      ctr: compare('ctr', campaign.goals?.ctr),
      daily: days.map((d) => ({ day: d, sent: totalsOn(d).sent, ...ratesOfDay(totalsOn(d)) })),
    };
  });
  const behaviourDays = Array.from({ length: 8 }, (_, i) => behaviourOn(input.behaviour, shiftDay(first, i), timeZone));
  const feedback = input.feedback.filter((f) => localDayOf({ day: f.at.slice(0, 10), slot: f.at.slice(11, 16) }, timeZone) === day);
  return {
    day,
    timeZone,
    campaigns,
    kpis: summarizeKpis(input.counters, { from: day, to: day, timeZone, costs: input.costs }),
    behaviour: { yesterday: behaviourDays[7]!, dayBefore: behaviourDays[6]!, sevenDayAverage: averageOf(behaviourDays.slice(0, 7)), daily: behaviourDays },
    feedback: summarizeFeedback(feedback),
  };
};

const defined = <K extends string>(key: K, value: number | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, number>));

const ratesOfDay = (totals: FunnelTotals) => {
  const rates = ratesOf(totals, 'XXX');
  return { ...defined('conversionRate', rates.conversionRate), ...defined('ctr', rates.ctr) };
};

const behaviourOn = (cells: readonly BehaviourIncrement[], day: string, timeZone: string): BehaviourDay => {
  const sum: Record<string, number> = {};
  for (const cell of cells) {
    if (localDayOf(cell, timeZone) !== day) continue;
    for (const [name, value] of Object.entries(cell.add)) sum[name] = (sum[name] ?? 0) + value;
  }
  return {
    day,
    sessions: sum.sessions ?? 0,
    productViews: sum.productViews ?? 0,
    ...(sum.dwellViews && { meanDwellSeconds: (sum.dwellMs ?? 0) / sum.dwellViews / 1000 }),
    ...(sum.productViews && { addToCartRate: (sum.addToCart ?? 0) / sum.productViews }),
  };
};

const averageOf = (days: readonly BehaviourDay[]): BehaviourDay => {
  const mean = (pick: (d: BehaviourDay) => number | undefined) => {
    const values = days.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
  };
  return {
    day: `${days[0]?.day}..${days.at(-1)?.day}`,
    sessions: mean((d) => d.sessions) ?? 0,
    productViews: mean((d) => d.productViews) ?? 0,
    ...defined('meanDwellSeconds', mean((d) => d.meanDwellSeconds)),
    ...defined('addToCartRate', mean((d) => d.addToCartRate)),
  };
};
