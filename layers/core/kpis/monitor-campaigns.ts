import { COUNTERS } from './funnel';
import type { CounterRow } from './kpi-report';
import { ANOMALY_RULE, BASELINE_DAYS, judgeRateDrop, type DailyCount, type RateDropJudgement } from './rate-drop';

const DAY_MS = 86_400_000;
const QUARTER_MS = 15 * 60_000;

/** The rates the monitor watches, each per message sent. */
export const WATCHED_RATES = { conversion: COUNTERS.converted, ctr: COUNTERS.opened } as const;
export type WatchedRate = keyof typeof WATCHED_RATES;

export interface CampaignAnomaly {
  campaignId: string;
  rate: WatchedRate;
  judgement: RateDropJudgement;
  today: DailyCount;
  baseline: DailyCount;
  /** The 24 hours judged, ISO-8601. */
  window: { from: string; to: string };
}

/** A campaign's sends, conversions and opens in 24-hour windows back from the last whole quarter-hour: [last 24 h, the 24 h before, …]. */
export const dailyWindows = (campaignId: string, rows: readonly CounterRow[], now: Date) => {
  const end = Math.floor(now.getTime() / QUARTER_MS) * QUARTER_MS;
  const windows = Array.from({ length: BASELINE_DAYS + 1 }, () => ({ sent: 0, converted: 0, opened: 0 }));
  for (const { cell, counters } of rows) {
    if (cell.campaignId !== campaignId) continue;
    const index = Math.floor((end - 1 - Date.parse(`${cell.day}T${cell.slot}:00Z`)) / DAY_MS);
    const window = windows[index];
    if (index < 0 || !window) continue;
    window.sent += counters[COUNTERS.sent] ?? 0;
    window.converted += counters[COUNTERS.converted] ?? 0;
    window.opened += counters[COUNTERS.opened] ?? 0;
  }
  return { end, windows };
};

/**
 * Whether this hourly run judges drops: the one in the first hour of a UTC day, over the day that ended.
 * One look a day is what the simulation's false-alert rate (`npm run simulate:anomaly`) is for; judging
 * every hour would look 24 times at overlapping days and alert falsely more often. A drop that starts
 * right after a look is judged on a whole day of it at the next: within a day.
 */
export const isJudgingRun = (now: Date): boolean => now.getUTCHours() === 0;

/**
 * A campaign's conversion and CTR over the last 24 hours against the 7 trailing 24-hour windows (sliding
 * on quarter-hour cells, so an hourly check judges whole days without waiting for midnight), with the rule
 * the simulation proves. Returns the drops only: a small campaign's `TOO_FEW` is silence, not an alert.
 */
export const findRateDrops = (campaignId: string, rows: readonly CounterRow[], now: Date): CampaignAnomaly[] => {
  const { end, windows } = dailyWindows(campaignId, rows, now);
  const [today, ...trailing] = windows;
  return (Object.keys(WATCHED_RATES) as WatchedRate[]).flatMap((rate) => {
    const count = (w: (typeof windows)[number]): DailyCount => ({ trials: w.sent, successes: rate === 'conversion' ? w.converted : w.opened });
    const baseline = trailing.map(count);
    const judgement = judgeRateDrop({ today: count(today!), baseline, ...ANOMALY_RULE });
    if (judgement.verdict !== 'DROP') return [];
    const pooled = baseline.reduce((sum, d) => ({ trials: sum.trials + d.trials, successes: sum.successes + d.successes }), { trials: 0, successes: 0 });
    return [{ campaignId, rate, judgement, today: count(today!), baseline: pooled, window: { from: new Date(end - DAY_MS).toISOString(), to: new Date(end).toISOString() } }];
  });
};

/** The alert people read: the figures, the rule, what to look at. */
export const describeAnomaly = (a: CampaignAnomaly): { subject: string; message: string } => {
  const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
  const name = a.rate === 'conversion' ? 'conversion' : 'click-through rate';
  return {
    subject: `Campaign ${a.campaignId}: ${name} down ${(-a.judgement.relativeChange * 100).toFixed(0)}%`.slice(0, 99),
    message: [
      `Campaign ${a.campaignId}: ${name} in the 24 hours to ${a.window.to} is ${pct(a.judgement.todayRate)} (${a.today.successes} of ${a.today.trials} sent),`,
      `against ${pct(a.judgement.baselineRate)} over the ${BASELINE_DAYS} days before (${a.baseline.successes} of ${a.baseline.trials}): ${(a.judgement.relativeChange * 100).toFixed(1)}%, one-sided p = ${a.judgement.pValue.toExponential(2)}.`,
      `Rule: a drop of at least ${ANOMALY_RULE.relativeDrop * 100}% judged by a two-proportion z-test at α ${ANOMALY_RULE.alpha} (docs/measurement.md).`,
      `Look at: npm run kpis -- ${a.campaignId} --by day,variant,channel`,
    ].join('\n'),
  };
};
