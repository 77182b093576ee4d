import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The folder of the query files, the single source of both engines' SQL. */
export const QUERIES_DIR = join(__dirname, 'queries');

/** A query file of {@link QUERIES_DIR}: `funnel` for `funnel.sql`. */
export interface QueryFile {
  readonly name: string;
  readonly sql: string;
}

/** Every query file, by name order. */
export const readQueryFiles = (dir = QUERIES_DIR): QueryFile[] =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: basename(file, '.sql'), sql: readFileSync(join(dir, file), 'utf8') }));

/** One query file by name; lists the known ones when there is none of that name. */
export const readQueryFile = (name: string, dir = QUERIES_DIR): QueryFile => {
  const files = readQueryFiles(dir);
  const file = files.find((candidate) => candidate.name === name);
  if (!file) throw new UnknownQueryError(`no query ${name} in ${dir}: ${files.map((f) => f.name).join(', ')}`);
  return file;
};

/** The parameters a query may use, as typed by the caller. */
export interface QueryParameters {
  /** First UTC day reported, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last UTC day reported, `YYYY-MM-DD`. */
  readonly to: string;
  /** Attribution window in hours. */
  readonly windowHours: number;
}

/** The attribution window when none is asked for: 3 days. */
export const DEFAULT_WINDOW_HOURS = 72;

/**
 * How placeholders are filled: `literal` writes SQL literals (DuckDB, and Athena from the CLI); `positional`
 * writes `?` for each parameter, in order of appearance (the Athena named query, run with
 * `ExecutionParameters` in that order, or from the console, which asks for each).
 */
export type PlaceholderStyle = 'literal' | 'positional';

/** The rendered text; `parameters` are the literals, in order, that the `?` of a positional rendering stand for. */
export interface RenderedQuery {
  readonly sql: string;
  readonly parameters: readonly string[];
}

/** Raised for a placeholder the renderer does not know, or a query file that does not exist. */
export class UnknownQueryError extends Error {
  override readonly name = 'UnknownQueryError';
}

/** Raised for a parameter value that cannot be one (a day that is not `YYYY-MM-DD`, a window that is not `3d` / `36h`). */
export class QueryParameterError extends Error {
  override readonly name = 'QueryParameterError';
}

/** Parameter placeholders; every other `{{name}}` must be a table. */
const PARAMETER_NAMES = ['from', 'to', 'window_hours', 'window_days'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const parameterLiterals = (parameters: QueryParameters): Record<string, string> => {
  for (const day of [parameters.from, parameters.to]) {
    if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new QueryParameterError(`${day} is not a day (YYYY-MM-DD)`);
  }
  if (parameters.from > parameters.to) throw new QueryParameterError(`from ${parameters.from} is after to ${parameters.to}`);
  if (!Number.isInteger(parameters.windowHours) || parameters.windowHours < 1) throw new QueryParameterError(`the window must be a whole number of hours ≥ 1`);
  return {
    from: `'${parameters.from}'`,
    to: `'${parameters.to}'`,
    window_hours: String(parameters.windowHours),
    window_days: String(Math.ceil(parameters.windowHours / 24)),
  };
};

/** `3d`, `72h` or a bare number of days → hours. */
export const parseWindow = (text: string): number => {
  const match = /^(\d+)\s*([dh]?)$/.exec(text.trim());
  if (!match) throw new QueryParameterError(`window ${text}: expected days (3d) or hours (36h)`);
  const hours = Number(match[1]) * (match[2] === 'h' ? 1 : 24);
  if (hours < 1) throw new QueryParameterError(`window ${text}: must be at least 1 hour`);
  return hours;
};

/**
 * Fills a query file's `{{name}}` placeholders: tables (`{{events}}`, `{{decisions}}`) with `tables[name]`,
 * parameters with their literal or `?`. Without `parameters`, parameter placeholders become `?` and the
 * returned `parameters` is empty (the named query stored in the CDK app, before any value is known).
 */
export const renderQuery = (
  sql: string,
  options: { tables: Readonly<Record<string, string>>; parameters?: QueryParameters; style: PlaceholderStyle },
): RenderedQuery => {
  const literals = options.parameters ? parameterLiterals(options.parameters) : undefined;
  const ordered: string[] = [];
  const fill = (code: string) =>
    code.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => {
      const table = options.tables[name];
      if (table !== undefined) return table;
      if (!PARAMETER_NAMES.includes(name)) throw new UnknownQueryError(`unknown placeholder {{${name}}}`);
      if (options.style === 'positional') {
        if (literals) ordered.push(literals[name]!);
        return '?';
      }
      if (!literals) throw new QueryParameterError(`{{${name}}} needs a value`);
      return literals[name]!;
    });
  // Placeholders in comments are documentation: left as they are, so they add no `?` either.
  const text = sql
    .split('\n')
    .map((line) => {
      const comment = line.indexOf('--');
      return comment === -1 ? fill(line) : fill(line.slice(0, comment)) + line.slice(comment);
    })
    .join('\n');
  return { sql: text, parameters: ordered };
};

/** The first paragraph of the query file's opening comment: the description of its named query. */
export const leadingComment = (sql: string): string => {
  const paragraph: string[] = [];
  for (const line of sql.split('\n')) {
    if (!line.startsWith('--')) break;
    const text = line.replace(/^--\s?/, '').trim();
    if (text === '') break;
    paragraph.push(text);
  }
  return paragraph.join(' ');
};
