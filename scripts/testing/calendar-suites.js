// The suites whose virtual clocks come from the test calendar, and whether faketime can move the wall
// clock for them: shared by jest.config.js (CommonJS, no transform) and scripts/testing/time-travel.ts.
const { spawnSync } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const SUITES = ['test/integration', 'test/e2e'];
const USES_TEST_CALENDAR = /from '(\.\.\/)+helpers\/test-calendar'/;

const testFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );

/** Paths relative to `root`, sorted: the integration and e2e suites that import the test calendar. */
const calendarSuites = (root) =>
  SUITES.flatMap((dir) => testFiles(join(root, dir)))
    .filter((file) => USES_TEST_CALENDAR.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file))
    .sort();

const hasFaketime = () => spawnSync('faketime', ['-f', '+0d', 'true']).status === 0;

module.exports = { calendarSuites, hasFaketime };
