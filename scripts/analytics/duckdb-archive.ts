import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ANALYTICS_TABLES, type AnalyticsTable } from '../../infra/analytics/tables';
import { readQueryFile, renderQuery, type QueryParameters } from '../../infra/analytics/render-query';

/**
 * The Trino functions the query files use that DuckDB lacks, as DuckDB macros of the same name and
 * meaning. This list and the table placeholders are the whole difference between the two engines.
 */
export const TRINO_COMPATIBILITY_MACROS: readonly string[] = [
  // Trino: JSON path → varchar of a scalar. DuckDB's name for it.
  'CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)',
  // Trino: ISO-8601 text (Z or offset) → timestamp with time zone. DuckDB casts the same text.
  'CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMP WITH TIME ZONE)',
  // Trino: sequence(a, b) → [a..b]. DuckDB: generate_series, on BIGINT.
  'CREATE MACRO sequence(a, b) AS generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT))',
  // Trino: array_join(array, separator). DuckDB: array_to_string.
  'CREATE MACRO array_join(a, s) AS array_to_string(a, s)',
];

/** A result: column names and rows of JSON-friendly values (numbers, strings, null). */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string | number | boolean | null>[];
}

/** True when `dir` holds at least one file at the Firehose depth `YYYY/MM/DD/HH/<object>`. */
const hasObjects = (dir: string, depth = 5): boolean => {
  if (!existsSync(dir)) return false;
  const entries = readdirSync(dir, { withFileTypes: true });
  if (depth === 1) return entries.some((entry) => entry.isFile());
  return entries.some((entry) => entry.isDirectory() && hasObjects(join(dir, entry.name), depth - 1));
};

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * A view named like the Glue table over `<root>/<prefix>YYYY/MM/DD/HH/*` (gzip or not, by extension),
 * with the same columns and the partition columns `day` and `hour` read from the path. No object yet:
 * an empty view of the same shape, so a query over a fresh stack answers with no rows.
 */
const createTableView = async (connection: DuckDBConnection, root: string, table: AnalyticsTable): Promise<void> => {
  const dir = join(root, table.prefix);
  const columns = table.columns.map((column) => `${sqlString(column.key)}: ${sqlString(column.kind === 'json' ? 'JSON' : 'VARCHAR')}`).join(', ');
  const partitions = `regexp_extract(filename, '(\\d{4}/\\d{2}/\\d{2})/\\d{2}/[^/]+$', 1) AS day, CAST(regexp_extract(filename, '\\d{4}/\\d{2}/\\d{2}/(\\d{2})/[^/]+$', 1) AS INTEGER) AS hour`;
  const source = hasObjects(dir)
    ? `SELECT * EXCLUDE (filename), ${partitions} FROM read_json(${sqlString(join(dir, '*/*/*/*/*'))}, format = 'newline_delimited', filename = true, columns = {${columns}})`
    : `SELECT ${table.columns.map((column) => `CAST(NULL AS ${column.kind === 'json' ? 'JSON' : 'VARCHAR'}) AS "${column.key}"`).join(', ')}, CAST(NULL AS VARCHAR) AS day, CAST(NULL AS INTEGER) AS hour WHERE false`;
  await connection.run(`CREATE VIEW "${table.name}" AS ${source}`);
};

const toPlain = (value: unknown): string | number | boolean | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
};

/**
 * Runs one query file on an in-memory DuckDB over a local copy of the bucket (`root/archive/...`,
 * `root/decisions/...`, as Firehose lays them out): the tables as views, the Trino macros, the
 * parameters as literals.
 */
export const runQueryOnDuckDb = async (options: { root: string; query: string; parameters: QueryParameters; queriesDir?: string }): Promise<QueryResult> => {
  const file = readQueryFile(options.query, options.queriesDir);
  // Nothing downloaded at run time: JSON is built in, and without ICU timestamps with time zone are UTC.
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    for (const macro of TRINO_COMPATIBILITY_MACROS) await connection.run(macro);
    for (const table of ANALYTICS_TABLES) await createTableView(connection, options.root, table);
    const tables = Object.fromEntries(ANALYTICS_TABLES.map((table) => [table.name, `main."${table.name}"`]));
    const { sql } = renderQuery(file.sql, { tables, parameters: options.parameters, style: 'literal' });
    const reader = await connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = reader.getRowObjects().map((row) => Object.fromEntries(columns.map((name) => [name, toPlain(row[name])])));
    return { columns, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
