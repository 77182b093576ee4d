/**
 * npm run review
 *
 * Writes the daily review of yesterday now (what DailyReviewSchedule does at 09:00), against the running
 * local stack (npm start), and prints where the page is. In AWS the schedule runs it; to rerun a day:
 * aws lambda invoke --function-name <DailyReviewFunction> --payload '{"day":"2026-12-03"}' /dev/stdout
 */
import { readLocalState } from './local-stack/local-state';

const main = async () => {
  const local = readLocalState();
  if (!local?.controlUrl) throw new Error('no local stack is running: start it with npm start');
  const response = await fetch(`${local.controlUrl}/schedules/DailyReviewSchedule`, { method: 'POST' });
  if (!response.ok) throw new Error(`the local stack answered ${response.status}: ${await response.text()}`);
  const result = (await response.json()) as { day?: string; file?: string };
  console.log(`Daily review of ${result.day}: ${result.file ?? 'not written'}`);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
