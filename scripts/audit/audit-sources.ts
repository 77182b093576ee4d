import { existsSync, readFileSync } from 'node:fs';
import { CloudFormationClient, GetTemplateCommand, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, paginateDescribeLogGroups, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DataRequestFiles } from '../../layers/adapters/s3-data-request-files';
import { listReceipts } from '../../layers/adapters/sfn-data-requests';
import type { DataRequestStatus } from '../../layers/core/compliance/data-requests';
import { scanLogLines, type LogScanResult } from '../../layers/core/audit/log-scan';
import type { TemplateLike } from '../../layers/core/audit/quarterly-audit';
import { LOCAL_FUNCTION_LOG_FILE } from '../local-stack/function-logs';
import { readLocalState } from '../local-stack/local-state';

/** Lines read per source: a sample, as the procedure asks, that a quarter's audit can afford. */
export const LOG_SAMPLE_LINES = 10_000;

/** The quarter's data-subject receipts: the running local stack's Reports bucket, or a deployed one. */
export const quarterReceipts = async (reportsBucket: string | undefined, quarter: { from: string; to: string }): Promise<DataRequestStatus[] | undefined> => {
  const local = reportsBucket ? undefined : readLocalState();
  const bucket = reportsBucket ?? local?.resources.Reports?.name;
  if (!bucket) return undefined;
  const client = new S3Client(local ? { endpoint: local.endpoints.s3, region: local.region, credentials: local.credentials, forcePathStyle: true } : {});
  try {
    return await listReceipts(new S3DataRequestFiles(client, bucket), quarter);
  } finally {
    client.destroy();
  }
};

/** The local stack's function log file (npm start keeps it), one source per function. */
export const localLogSample = (file = LOCAL_FUNCTION_LOG_FILE): LogScanResult[] | undefined => {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-LOG_SAMPLE_LINES);
  const byService = new Map<string, string[]>();
  for (const line of lines) {
    const service = /"service":"([^"]+)"/.exec(line)?.[1] ?? 'unknown';
    byService.set(service, [...(byService.get(service) ?? []), line]);
  }
  return [...byService].sort(([a], [b]) => a.localeCompare(b)).map(([service, serviceLines]) => scanLogLines(service, serviceLines));
};

/**
 * The deployed stack's log groups (CloudFormation names them `<stack>-<logical id>…`): the latest events
 * of the last `days` days in each, up to the sample size.
 */
export const cloudWatchLogSample = async (prefix: string, since: Date): Promise<LogScanResult[]> => {
  const client = new CloudWatchLogsClient({});
  try {
    const results: LogScanResult[] = [];
    for await (const page of paginateDescribeLogGroups({ client }, { logGroupNamePrefix: prefix })) {
      for (const group of page.logGroups ?? []) {
        const lines: string[] = [];
        for await (const events of paginateFilterLogEvents({ client }, { logGroupName: group.logGroupName, startTime: since.getTime() })) {
          lines.push(...(events.events ?? []).map((event) => event.message ?? ''));
          if (lines.length >= LOG_SAMPLE_LINES) break;
        }
        results.push(scanLogLines(group.logGroupName ?? '', lines.slice(0, LOG_SAMPLE_LINES)));
      }
    }
    return results;
  } finally {
    client.destroy();
  }
};

/** A deployed stack as CloudFormation has it: its template and each resource's physical id by logical id. */
export interface DeployedStack {
  readonly template: TemplateLike;
  readonly physicalIds: Readonly<Record<string, string>>;
}

/** `--stack <name>`: the template and resources of the stack as deployed, not as this checkout synthesizes it. */
export const deployedStack = async (stackName: string): Promise<DeployedStack> => {
  const client = new CloudFormationClient({});
  try {
    const { TemplateBody } = await client.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Processed' }));
    const physicalIds: Record<string, string> = {};
    for await (const page of paginateListStackResources({ client }, { StackName: stackName })) {
      for (const resource of page.StackResourceSummaries ?? []) if (resource.LogicalResourceId && resource.PhysicalResourceId) physicalIds[resource.LogicalResourceId] = resource.PhysicalResourceId;
    }
    return { template: JSON.parse(TemplateBody ?? '{"Resources":{}}') as TemplateLike, physicalIds };
  } finally {
    client.destroy();
  }
};
