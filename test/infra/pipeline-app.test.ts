import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildPipelineApp } from '../../infra/pipeline-app';
import { NAG_PACK } from '../../infra/nag';
import { synthPipeline } from './synth-pipeline';
import { PERSONALIZE_CONTEXT } from '../helpers/personalize-context';

interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
  acknowledgedId?: string;
  acknowledgedAt?: string;
  reason?: string;
}
interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: Violation[]; suppressedViolations?: Violation[] }[];
}

const { app } = synthPipeline({ validateTemplates: true });
// CDK writes what every validation plugin found, and which findings were acknowledged, next to the templates.
const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
const nag = report.pluginReports.find((r) => r.pluginName === NAG_PACK);

/** Every acknowledgement recorded in the construct tree: path, id, reason. */
const acknowledgements = app.node
  .findAll()
  .flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );

describe('cdk-nag AwsSolutions', () => {
  it('leaves no unacknowledged finding, error or warning', () => {
    // Prepare
    const violations = nag?.violations ?? [];

    // Act
    const summary = violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`);

    // Assess
    expect(nag).toBeDefined();
    expect(summary).toEqual([]);
    expect(nag?.conclusion).toBe('success');
  });

  it('leaves no unacknowledged finding with Personalize configured either (its IAM statements are only there then)', () => {
    // Prepare
    const withPersonalize = synthPipeline({ validateTemplates: true, context: PERSONALIZE_CONTEXT }).app;
    const reports = (JSON.parse(readFileSync(path.join(withPersonalize.outdir, 'validation-report.json'), 'utf8')) as ValidationReport).pluginReports;

    // Act
    const violations = (reports.find((r) => r.pluginName === NAG_PACK)?.violations ?? []).map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`);

    // Assess
    expect(violations).toEqual([]);
  });

  it('passes every validation plugin, including the CloudFormation schema check', () => {
    // Prepare
    const reports = report.pluginReports;

    // Act
    const failing = reports.filter((r) => r.violations.length > 0).map((r) => r.pluginName);

    // Assess
    expect(failing).toEqual([]);
  });

  it('gives every acknowledgement a reason a reviewer can check', () => {
    // Prepare
    const trivial = /^(n\/?a|none|ok|todo|tbd|fine|not needed|false positive|suppress(ed)?)\.?$/i;

    // Act
    const weak = acknowledgements.filter(({ reason }) => reason.trim().length < 60 || trivial.test(reason.trim()));

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(weak).toEqual([]);
  });

  it('has no stale acknowledgement: each one suppresses a finding on or under the construct it is on', () => {
    // Prepare
    const suppressed = nag?.suppressedViolations ?? [];

    // Act
    const unused = acknowledgements.filter(({ path: at, id }) => !suppressed.some((v) => v.acknowledgedId === id && v.acknowledgedAt === at));

    // Assess
    expect(suppressed.length).toBeGreaterThan(0);
    expect(unused).toEqual([]);
  });

  it('acknowledges findings on the narrowest constructs, never on the stack', () => {
    // Prepare
    const stackPaths = new Set(['', app.node.path, 'MarketingPipeline']);

    // Act
    const broad = acknowledgements.filter(({ path: at }) => stackPaths.has(at));

    // Assess
    expect(broad).toEqual([]);
  });

  it('fails the synth when a construct breaks a rule', () => {
    // Prepare
    const { app: canaryApp, stack } = buildPipelineApp({ bundle: false, validateTemplates: false });
    new sqs.Queue(stack, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED, enforceSSL: true });

    // Act
    const synth = () => canaryApp.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-SQS2/);
  });
});
