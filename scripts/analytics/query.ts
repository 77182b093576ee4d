/**
 * npm run query -- <query> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--window 3d] [--json]
 *                  [--dir <folder>] [--athena [--workgroup <name>]]
 *
 * Runs a query file of infra/analytics/queries/ (funnel, daily-behaviour) and prints its rows:
 * - locally (default) on DuckDB, over the running local stack's Models bucket (archive/ and decisions/,
 *   copied into a temporary folder through the S3 API), or over a folder laid out the same way (--dir);
 * - with --athena, the deployed named query of that name, on the workgroup (--workgroup, else
 *   ANALYTICS_WORKGROUP_NAME, else MarketingPipeline-analytics) with the AWS credentials of the
 *   environment, printing the bytes scanned and what they cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_WINDOW_HOURS, parseWindow, readQueryFiles, type QueryParameters } from '../../infra/analytics/render-query';
import { readLocalState } from '../local-stack/local-state';
import { runNamedQueryOnAthena } from './athena-query';
import { runQueryOnDuckDb, type QueryResult } from './duckdb-archive';
import { formatTable } from './format-table';
import { downloadAnalyticsObjects } from './local-archive';

const USAGE = 'usage: npm run query -- <query> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--window 3d] [--json] [--dir <folder>] [--athena [--workgroup <name>]]';

/** The workgroup's name when the stack is deployed under its default name. */
const DEFAULT_WORKGROUP = 'MarketingPipeline-analytics';

const runLocally = async (query: string, parameters: QueryParameters, dir: string | undefined): Promise<QueryResult> => {
  if (dir) return runQueryOnDuckDb({ root: dir, query, parameters });
  const local = readLocalState();
  const bucket = local?.resources.Models?.name;
  if (!local || !bucket) throw new Error(`no local stack is running (npm start) and no --dir was given\n${USAGE}`);
  const s3 = new S3Client({ endpoint: local.endpoints.s3, region: local.region, credentials: local.credentials, forcePathStyle: true });
  const copy = mkdtempSync(join(tmpdir(), 'analytics-'));
  try {
    const objects = await downloadAnalyticsObjects(s3, bucket, copy);
    console.error(`${objects} object(s) of archive/ and decisions/ from the local bucket ${bucket}`);
    return await runQueryOnDuckDb({ root: copy, query, parameters });
  } finally {
    s3.destroy();
    rmSync(copy, { recursive: true, force: true });
  }
};

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      window: { type: 'string' },
      json: { type: 'boolean', default: false },
      dir: { type: 'string' },
      athena: { type: 'boolean', default: false },
      workgroup: { type: 'string' },
    },
  });
  const [query] = positionals;
  if (!query || !values.from) throw new Error(`${USAGE}\nqueries: ${readQueryFiles().map((file) => file.name).join(', ')}`);
  const parameters: QueryParameters = {
    from: values.from,
    to: values.to ?? values.from,
    windowHours: values.window ? parseWindow(values.window) : DEFAULT_WINDOW_HOURS,
  };

  let result: QueryResult;
  if (values.athena) {
    const workGroup = values.workgroup ?? process.env.ANALYTICS_WORKGROUP_NAME ?? DEFAULT_WORKGROUP;
    const athena = new AthenaClient({});
    try {
      const answer = await runNamedQueryOnAthena({ athena, workGroup, query, parameters });
      console.error(`${answer.queryExecutionId}: ${(answer.bytesScanned / 1024 ** 2).toFixed(1)} MB scanned, about $${answer.costUsd.toFixed(5)}`);
      result = answer;
    } finally {
      athena.destroy();
    }
  } else {
    result = await runLocally(query, parameters, values.dir);
  }
  console.log(values.json ? JSON.stringify(result.rows, null, 2) : formatTable(result));
};

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
