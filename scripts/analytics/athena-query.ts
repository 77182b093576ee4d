import {
  BatchGetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListNamedQueriesCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
  type NamedQuery,
} from '@aws-sdk/client-athena';
import { ANALYTICS_TABLES } from '../../infra/analytics/tables';
import { readQueryFile, renderQuery, type QueryParameters } from '../../infra/analytics/render-query';
import type { QueryResult } from './duckdb-archive';

/** Athena's price per TB scanned in most regions ($5), billed per query with a 10 MB minimum. */
export const ATHENA_USD_PER_TB = 5;

/** Raised when the workgroup has no named query of that name, or one that differs from the repository's file. */
export class NamedQueryMismatchError extends Error {
  override readonly name = 'NamedQueryMismatchError';
}

/** Raised when Athena ends a query in FAILED or CANCELLED. */
export class AthenaQueryFailedError extends Error {
  override readonly name = 'AthenaQueryFailedError';
}

/** What a query on Athena returned, and what it cost. */
export interface AthenaQueryResult extends QueryResult {
  readonly queryExecutionId: string;
  readonly bytesScanned: number;
  readonly costUsd: number;
}

const findNamedQuery = async (athena: AthenaClient, workGroup: string, name: string): Promise<NamedQuery> => {
  let NextToken: string | undefined;
  do {
    const page = await athena.send(new ListNamedQueriesCommand({ WorkGroup: workGroup, ...(NextToken && { NextToken }) }));
    if (page.NamedQueryIds?.length) {
      const { NamedQueries = [] } = await athena.send(new BatchGetNamedQueryCommand({ NamedQueryIds: page.NamedQueryIds }));
      const found = NamedQueries.find((query) => query.Name === name);
      if (found) return found;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  throw new NamedQueryMismatchError(`workgroup ${workGroup} has no named query ${name}: deploy the stack (cdk deploy) first`);
};

/**
 * Runs the workgroup's named query `query` with `parameters` (bound to its `?` in order, as the
 * repository's file places them) and waits for the result. The deployed text must be the repository's
 * file rendered for that database: otherwise the parameters could land in the wrong places.
 */
export const runNamedQueryOnAthena = async (options: {
  athena: AthenaClient;
  workGroup: string;
  query: string;
  parameters: QueryParameters;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<AthenaQueryResult> => {
  const { athena, workGroup } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const named = await findNamedQuery(athena, workGroup, options.query);
  const database = named.Database ?? '';
  const tables = Object.fromEntries(ANALYTICS_TABLES.map((table) => [table.name, `"${database}"."${table.name}"`]));
  const rendered = renderQuery(readQueryFile(options.query).sql, { tables, parameters: options.parameters, style: 'positional' });
  if (rendered.sql !== named.QueryString) {
    throw new NamedQueryMismatchError(`the named query ${options.query} of ${workGroup} differs from infra/analytics/queries/${options.query}.sql: deploy the stack first`);
  }

  const { QueryExecutionId } = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: named.QueryString,
      WorkGroup: workGroup,
      QueryExecutionContext: { Database: database },
      ExecutionParameters: [...rendered.parameters],
    }),
  );
  if (!QueryExecutionId) throw new AthenaQueryFailedError('StartQueryExecution returned no id');
  for (;;) {
    const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    const state = QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') {
      const bytesScanned = QueryExecution?.Statistics?.DataScannedInBytes ?? 0;
      const billed = Math.max(bytesScanned, 10 * 1024 ** 2);
      return { ...(await readResults(athena, QueryExecutionId)), queryExecutionId: QueryExecutionId, bytesScanned, costUsd: (billed / 1024 ** 4) * ATHENA_USD_PER_TB };
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      throw new AthenaQueryFailedError(`${QueryExecutionId} ${state}: ${QueryExecution?.Status?.StateChangeReason ?? ''}`);
    }
    await sleep(options.pollMs ?? 1_000);
  }
};

/** Every page of the results; the first row of the first page is the header. Numbers come back as numbers. */
const readResults = async (athena: AthenaClient, QueryExecutionId: string): Promise<QueryResult> => {
  let columns: string[] = [];
  const types: string[] = [];
  const rows: Record<string, string | number | null>[] = [];
  let NextToken: string | undefined;
  let first = true;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId, ...(NextToken && { NextToken }) }));
    if (first) {
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? '');
      types.push(...(page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Type ?? 'varchar'));
    }
    const data = (page.ResultSet?.Rows ?? []).slice(first ? 1 : 0);
    for (const row of data) {
      rows.push(
        Object.fromEntries(
          columns.map((name, i) => {
            const value = row.Data?.[i]?.VarCharValue;
            const numeric = /^(bigint|integer|double|decimal|real|smallint|tinyint)/.test(types[i] ?? '');
            return [name, value === undefined ? null : numeric ? Number(value) : value];
          }),
        ),
      );
    }
    first = false;
    NextToken = page.NextToken;
  } while (NextToken);
  return { columns, rows };
};
