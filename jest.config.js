// The four test projects share one transform and one environment; they differ in what they match and,
// for integration, the emulators started once for the whole run.
/** @type {import('jest').Config['projects'][number]} */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(ts|js|mjs)$': [
      'ts-jest',
      { tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true, resolveJsonModule: true } },
    ],
  },
  // @middy/core and jose are ESM only: transformed like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  setupFiles: ['<rootDir>/test/helpers/test-environment.ts'],
};

const { calendarSuites, hasFaketime } = require('./scripts/testing/calendar-suites');

// In CI, the suites with virtual clocks run once, in npm test's time-travel step (the wall clock 400
// days ahead), not here as well: the same proof of "any date" at half the time. Elsewhere, or without
// faketime, they run here (and again under time travel when faketime is installed).
const runsOnlyUnderTimeTravel = process.env.CI && !process.env.TIME_TRAVEL && hasFaketime();
const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const testPathIgnorePatterns = ['/node_modules/', ...(runsOnlyUnderTimeTravel ? calendarSuites(__dirname).map((file) => `<rootDir>/${escape(file)}$`) : [])];

const project = (name, extra = {}) => ({ ...base, displayName: name, testMatch: [`<rootDir>/test/${name}/**/*.test.ts`], testPathIgnorePatterns, ...extra });

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    project('integration', {
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    }),
    project('infra'),
    project('e2e'),
  ],
  testTimeout: 60000,
};
