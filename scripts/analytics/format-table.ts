import type { QueryResult } from './duckdb-archive';

/** A result as an aligned text table (numbers right-aligned), with the row count underneath. */
export const formatTable = (result: QueryResult): string => {
  const cells = result.rows.map((row) => result.columns.map((name) => (row[name] === null || row[name] === undefined ? '' : String(row[name]))));
  const widths = result.columns.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i]!.length)));
  const numeric = result.columns.map((name) => result.rows.length > 0 && result.rows.every((row) => row[name] === null || typeof row[name] === 'number'));
  const line = (values: string[]) => values.map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(result.columns.map(String)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line), `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`].join('\n');
};
