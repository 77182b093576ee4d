import binomial from '@stdlib/random-base-binomial';
import { judgeRateDrop, type DailyCount } from '../../layers/core/kpis/rate-drop';

/** The rule the daily review applies: a 20% drop matters; one false alert per 200 unchanged campaign-days at most. */
export { ANOMALY_RULE, BASELINE_DAYS } from '../../layers/core/kpis/rate-drop';
import { ANOMALY_RULE, BASELINE_DAYS } from '../../layers/core/kpis/rate-drop';

export interface SimulationSettings {
  runs: number;
  seed: number;
  /** The campaign's true baseline rate (conversions per send). */
  rate: number;
}

/**
 * Seeded simulated campaign-days through the real `judgeRateDrop`: 7 baseline days at `rate`, today at
 * `todayRate`, `trials` sends a day. Returns the share alerted.
 */
export const simulateAlertRate = ({ runs, seed, rate }: SimulationSettings, trials: number, todayRate: number): number => {
  const draw = binomial.factory({ seed });
  const day = (p: number): DailyCount => ({ trials, successes: draw(trials, p) });
  let alerts = 0;
  for (let run = 0; run < runs; run++) {
    const baseline = Array.from({ length: BASELINE_DAYS }, () => day(rate));
    if (judgeRateDrop({ today: day(todayRate), baseline, ...ANOMALY_RULE }).verdict === 'DROP') alerts++;
  }
  return alerts / runs;
};
