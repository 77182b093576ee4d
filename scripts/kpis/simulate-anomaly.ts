/**
 * Proof by simulation of the campaign anomaly rule (issue 14): seeded simulated campaign-days through
 * the real `judgeRateDrop`, today against the 7 trailing days, so every run prints the same figures.
 *
 *   npm run simulate:anomaly [-- --runs 1000 --seed 7 --rate 0.05]
 *
 * - Unchanged campaigns: the share of campaign-days that alert (target ≤ 1%), at several daily volumes.
 * - A true 20% drop: the share alerted the same day (target ≥ 90%), at the same volumes.
 */
import { ANOMALY_RULE, BASELINE_DAYS, simulateAlertRate } from './anomaly-simulation';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const settings = { runs: arg('runs', 1000), seed: arg('seed', 7), rate: arg('rate', 0.05) };
const VOLUMES = [500, 2_000, 5_000, 7_000, 10_000, 50_000];
const percent = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(7);

console.log(`campaign anomaly rule: one-sided z-test at α ${ANOMALY_RULE.alpha}, today vs ${BASELINE_DAYS} trailing days, drop ≥ ${ANOMALY_RULE.relativeDrop / 2} to alert`);
console.log(`${settings.runs} simulated campaign-days per cell, baseline conversion ${settings.rate}, seed ${settings.seed}\n`);
console.log('sends/day   unchanged: alerted   true 20% drop: alerted the same day');
for (const trials of VOLUMES) {
  const unchanged = simulateAlertRate(settings, trials, settings.rate);
  const dropped = simulateAlertRate(settings, trials, settings.rate * (1 - ANOMALY_RULE.relativeDrop));
  console.log(`${trials.toLocaleString('en').padStart(9)}   ${percent(unchanged)} (target ≤ 1%)   ${percent(dropped)} (target ≥ 90%)`);
}
