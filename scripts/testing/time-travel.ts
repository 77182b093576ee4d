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
 * (FAKETIME_DONT_FAKE_MONOTONIC=1): the JVM hangs otherwise, and durations stay real.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(__dirname, '../..');
const SUITES = ['test/integration', 'test/e2e'];
const USES_TEST_CALENDAR = /from '(\.\.\/)+helpers\/test-calendar'/;

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );

/** The suites with a virtual clock: those that take their dates from the test calendar. */
export const timeSensitiveSuites = (): string[] =>
  SUITES.flatMap((dir) => testFiles(join(ROOT, dir)))
    .filter((file) => USES_TEST_CALENDAR.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file))
    .sort();

const hasFaketime = (): boolean => spawnSync('faketime', ['-f', '+0d', 'true']).status === 0;

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
  const suites = timeSensitiveSuites();
  const jest = join(ROOT, 'node_modules/.bin/jest');
  console.log(`time travel: ${suites.length} suites with the wall clock moved ${values.shift} (libfaketime)`);
  const run = spawnSync('faketime', ['-f', values.shift!, process.execPath, jest, '--selectProjects', 'integration', 'e2e', '--runTestsByPath', ...suites], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: '1' },
  });
  return run.status ?? 1;
};

if (require.main === module) process.exitCode = main();
