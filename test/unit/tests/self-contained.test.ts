import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const FOLDERS = ['.ci', 'infra', 'functions', 'layers', 'events', 'test', 'scripts', 'docs'];
const TOP_FILES = ['package.json', 'tsconfig.json', 'cdk.json', 'jest.config.js', 'README.md'];
const TEXT = /\.(ts|mjs|js|json|md|yaml|yml)$|^run$/;

const textFilesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? textFilesUnder(join(dir, entry.name)) : TEXT.test(entry.name) ? [join(dir, entry.name)] : [],
  );

describe('a clone of the repository', () => {
  it('needs nothing beside it: no file names a path outside the checkout', () => {
    // The dataset once sat in a folder beside the checkout; a clone from GitHub has no such folder.
    const outside = /\.\.\/shared\/|(?<![\w.])\/work\//;
    const offenders = [...TOP_FILES, ...FOLDERS.flatMap(textFilesUnder)].filter((file) => outside.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
