import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TEST_YEAR } from '../../helpers/test-calendar';

const ROOT = join(__dirname, '../../..');
const WALL_CLOCK_SUITES = ['test/integration', 'test/e2e'];

/** Years a virtual clock could be fixed on and age into the past; older ones are the dataset's (2010–2011). */
const LITERAL_RECENT_YEAR = /(['"`(/]|Date\.UTC\()(20(1[5-9]|[2-9]\d))(?=[-/,])/g;

const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

describe('the virtual clocks of the suites that meet the wall clock', () => {
  it('are in the year after the wall clock, so what they write never expires under DynamoDB Local’s TTL', () => {
    expect(TEST_YEAR).toBe(new Date().getUTCFullYear() + 1);
  });

  it('take their year from TEST_YEAR: no integration or e2e test names a recent year of its own', () => {
    const offenders = WALL_CLOCK_SUITES.flatMap(filesUnder).flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (line.match(LITERAL_RECENT_YEAR) ? [`${relative(ROOT, join(ROOT, file))}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
