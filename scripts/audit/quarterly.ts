/**
 * `npm run audit -- quarterly [--quarter 2026-Q4] [--out <file.html>] [--stack <name>] [--profiles-table <t>] [--reports-bucket <b>] [--log-groups-prefix <p>]`
 *
 * The quarterly security audit: encryption of every resource, IAM statements with wildcards and their
 * justifications, retention of every store, and cdk-nag's findings, from the app synthesized from this
 * checkout (what `cdk deploy` deploys), or with --stack from the deployed stack's template (CloudFormation
 * GetTemplate; its tables, bucket and log groups are then found by logical id); consent coverage from the running local stack's profiles, or a
 * deployed `Profiles` table with --profiles-table (or PROFILES_TABLE_NAME) and AWS credentials;
 * data-subject requests from the Reports bucket's receipts (--reports-bucket in AWS); a sample of
 * function logs scanned for personal data (npm start's log file, or --log-groups-prefix <stack name>
 * in AWS). Writes the HTML report and its JSON twin; exits 1 on unacknowledged cdk-nag findings or
 * personal data in logs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CfnElement } from 'aws-cdk-lib';
import { buildPipelineApp } from '../../infra/pipeline-app';
import { NAG_PACK } from '../../infra/nag';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { addToCoverage, dataRequestSummary, EMPTY_COVERAGE, encryptionRows, nagSummary, quarterBounds, quarterOf, retentionRows, wildcardStatements, type ConsentCoverage, type NagReport, type QuarterlyAudit, type TemplateLike } from '../../layers/core/audit/quarterly-audit';
import { renderQuarterlyAudit } from '../../layers/core/audit/quarterly-report';
import { hasFindings, type LogScanResult } from '../../layers/core/audit/log-scan';
import type { DataRequestStatus } from '../../layers/core/compliance/data-requests';
import { LOCAL_FUNCTION_LOG_FILE } from '../local-stack/function-logs';
import { cloudWatchLogSample, deployedStack, localLogSample, quarterReceipts } from './audit-sources';

/** Days of CloudWatch Logs sampled in AWS. */
const LOG_SAMPLE_DAYS = 7;
import { LOCAL_REPORTS_DIR } from '../local-stack/local-defaults';
import { readLocalState } from '../local-stack/local-state';

/** The synthesized template and cdk-nag's report, as `cdk synth` writes them. */
export const synthesizeForAudit = (): { template: TemplateLike; nag: NagReport; stack: string; paths: Record<string, string> } => {
  const outdir = mkdtempSync(join(tmpdir(), 'audit-synth-'));
  try {
    const { app, stack } = buildPipelineApp({ bundle: false, outdir });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as TemplateLike;
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: ({ pluginName: string } & NagReport)[] };
    const nag = report.pluginReports.find((r) => r.pluginName === NAG_PACK) ?? { violations: [] };
    // Logical id → construct path, the names cdk-nag's findings use (the template has no path metadata outside the CDK CLI).
    const paths = Object.fromEntries(
      stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c)).map((c) => [stack.resolve(c.logicalId) as string, c.node.path]),
    );
    return { template, nag, stack: stack.stackName, paths };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** Counts consent statements over every profile (a projection of consent only; no id is kept or printed). */
const consentCoverage = async (profilesTable: string | undefined): Promise<ConsentCoverage | undefined> => {
  const local = profilesTable ? undefined : readLocalState();
  const table = profilesTable ?? local?.resources.Profiles?.name;
  if (!table) return undefined;
  const client = new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {});
  try {
    let coverage = EMPTY_COVERAGE;
    for await (const page of new DynamoProfileStore(DynamoDBDocumentClient.from(client), table).scanAll()) {
      for (const profile of page) coverage = addToCoverage(coverage, profile.consent as Record<string, { granted: boolean }>);
    }
    return coverage;
  } finally {
    client.destroy();
  }
};

export interface QuarterlyInputs {
  template: TemplateLike;
  nag: NagReport;
  stack: string;
  paths?: Record<string, string>;
  consent: ConsentCoverage | undefined;
  /** The quarter's data-subject receipts; undefined when no store of them was reachable. */
  dataRequests?: DataRequestStatus[];
  logScan?: LogScanResult[];
  /** The template is the deployed stack's (--stack), not this checkout's. */
  deployed?: boolean;
  now: Date;
  quarter?: string;
}

export const buildQuarterlyAudit = (inputs: QuarterlyInputs): QuarterlyAudit => ({
  quarter: inputs.quarter ?? quarterOf(inputs.now),
  generatedAt: inputs.now.toISOString(),
  stack: inputs.stack,
  encryption: encryptionRows(inputs.template),
  wildcards: wildcardStatements(inputs.template, inputs.nag, inputs.paths),
  retention: retentionRows(inputs.template),
  consent: inputs.consent ?? EMPTY_COVERAGE,
  nag: nagSummary(inputs.nag),
  dataRequests: dataRequestSummary(inputs.dataRequests ?? []),
  logScan: inputs.logScan ?? [],
  notCovered: [
    ...(inputs.consent ? [] : ['consent coverage: no local stack is running and no --profiles-table was given']),
    ...(inputs.dataRequests ? [] : ['data-subject requests: no local stack is running and no --reports-bucket was given']),
    ...(inputs.logScan ? [] : [`logs: no ${LOCAL_FUNCTION_LOG_FILE} (npm start writes it) and no --log-groups-prefix was given`]),
    ...(inputs.deployed ? [] : ['the deployed stack itself: the template audited is the one this checkout synthesizes (--stack <name> audits a deployed one)']),
  ],
});

export const runQuarterly = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quarter: { type: 'string' },
      out: { type: 'string' },
      stack: { type: 'string' },
      'profiles-table': { type: 'string' },
      'reports-bucket': { type: 'string' },
      'log-groups-prefix': { type: 'string' },
    },
  });
  if (values.quarter !== undefined && !/^\d{4}-Q[1-4]$/.test(values.quarter)) throw new Error('--quarter must look like 2026-Q4');
  const now = new Date();
  const quarter = values.quarter ?? quarterOf(now);
  // --stack: the deployed template, and the stack's own table, bucket and log groups unless named.
  const deployed = values.stack ? await deployedStack(values.stack) : undefined;
  const logGroupsPrefix = values['log-groups-prefix'] ?? values.stack;
  const synthesized = synthesizeForAudit();
  const audit = buildQuarterlyAudit({
    ...synthesized,
    ...(deployed && { template: deployed.template, stack: values.stack!, deployed: true }),
    consent: await consentCoverage(values['profiles-table'] ?? process.env.PROFILES_TABLE_NAME ?? deployed?.physicalIds.Profiles),
    dataRequests: await quarterReceipts(values['reports-bucket'] ?? process.env.REPORTS_BUCKET_NAME ?? deployed?.physicalIds.Reports, quarterBounds(quarter)),
    logScan: logGroupsPrefix ? await cloudWatchLogSample(logGroupsPrefix, new Date(now.getTime() - LOG_SAMPLE_DAYS * 86_400_000)) : localLogSample(),
    now,
    quarter,
  });
  const out = values.out ?? join(LOCAL_REPORTS_DIR, `security-audit-${audit.quarter}.html`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderQuarterlyAudit(audit));
  writeFileSync(out.replace(/\.html?$/, '') + '.json', `${JSON.stringify(audit, null, 2)}\n`);
  console.log(`wrote ${out} and its .json: ${audit.encryption.filter((r) => !r.ok).length} unencrypted resources, ${audit.wildcards.filter((w) => w.justifications.length === 0).length} unjustified wildcards, ${audit.nag.unacknowledged.length} unacknowledged cdk-nag findings`);
  if (audit.dataRequests.rows.length > 0) console.log(`data-subject requests: ${audit.dataRequests.rows.length}, ${audit.dataRequests.failed} failed, ${audit.dataRequests.late} late`);
  if (hasFindings(audit.logScan)) console.log('personal data found in logs: see the report\'s "Personal data in logs"');
  return audit.nag.unacknowledged.length > 0 || hasFindings(audit.logScan) ? 1 : 0;
};
