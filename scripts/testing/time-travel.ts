/**
 * npm run test:time-travel [-- --shift +400d]
 *
 * Runs the suites whose virtual clocks meet the wall clock (the integration and e2e tests that take
 * their dates from test/helpers/test-calendar.ts, because DynamoDB Local's TTL, kinesalite and fauxqs
 * keep wall time) again with the wall clock of every process moved into the future by libfaketime:
 * Node, the jest workers and DynamoDB Local's JVM alike. It proves the suite does not depend on the
 * day it runs: a virtual clock fixed on a date would fail here the way it failed in real life.
 *
 * Debian's `faketime` package provides the command. Without it the run is skipped with a note, except
 * in CI (`CI` set), where a missing proof fails. Monotonic clocks are left alone
 * (FAKETIME_DONT_FAKE_MONOTONIC=1: durations stay real, and the JVM hangs otherwise), and so is
 * libfaketime's "monotonic fix" for old glibc (FAKETIME_FORCE_MONOTONIC_FIX=0): with it, DynamoDB
 * Local's JVM spins two cores at 100% here (libfaketime issue #425).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { calendarSuites, hasFaketime } from './calendar-suites';

const ROOT = join(__dirname, '../..');

/** The suites with a virtual clock: those that take their dates from the test calendar. */
export const timeSensitiveSuites = (): string[] => calendarSuites(ROOT);

/** What the wall clock reads under the shift, in ms ahead of ours (a check that libfaketime took hold). */
const shiftSeenMs = (shift: string, env: NodeJS.ProcessEnv): number => {
  const { stdout } = spawnSync('faketime', ['-f', shift, process.execPath, '-p', 'Date.now()'], { env, encoding: 'utf8' });
  return Number(stdout.trim()) - Date.now();
};

const main = (): number => {
  const { values } = parseArgs({ options: { shift: { type: 'string', default: '+400d' } } });
  if (!hasFaketime()) {
    const note = 'time travel: faketime is not installed (Debian: apt-get install faketime); the suites did not run with the clock moved';
    if (process.env.CI) {
      console.error(`${note}, and CI needs that proof.`);
      return 1;
    }
    console.log(`${note}.`);
    return 0;
  }
  // TIME_TRAVEL: jest.config.js keeps these suites in this run (in CI it leaves them out of the first).
  const env = { ...process.env, TIME_TRAVEL: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_FORCE_MONOTONIC_FIX: '0' };
  const aheadDays = shiftSeenMs(values.shift!, env) / 86_400_000;
  if (!(aheadDays > 1)) {
    console.error(`time travel: the clock under faketime ${values.shift} is not ahead of ours (${aheadDays.toFixed(2)} days)`);
    return 1;
  }
  const suites = timeSensitiveSuites();
  const jest = join(ROOT, 'node_modules/.bin/jest');
  console.log(`time travel: ${suites.length} suites with the wall clock ${Math.round(aheadDays)} days ahead (libfaketime ${values.shift})`);
  const run = spawnSync('faketime', ['-f', values.shift!, process.execPath, jest, '--selectProjects', 'integration', 'e2e', '--runTestsByPath', ...suites], { cwd: ROOT, stdio: 'inherit', env });
  return run.status ?? 1;
};

if (require.main === module) process.exitCode = main();
