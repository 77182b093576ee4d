import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { createFunction, ENTRY_METADATA_KEY, REPO_ROOT } from '../../infra/create-function';
import { resourcesOfType, synthPipeline } from './synth-pipeline';
import { ConfigurationError } from '../../layers/runtime/config';
import { INGEST_CONFIG } from '../../layers/runtime/function-configs';

const { template } = synthPipeline();
const functions = resourcesOfType(template, 'AWS::Lambda::Function');

/**
 * The function environments documented in docs/architecture.md: the variables every function gets
 * (with their value where the doc gives one) and, per function, its own variables.
 */
const documentedEnvironment = () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/architecture.md'), 'utf8');
  const own = new Map<string, string[]>();
  for (const match of doc.matchAll(/\|\s*([a-z-]+): ((?:`[A-Z0-9_]+`(?:,\s*)?)+)\s*\|\s*$/gm)) {
    own.set(match[1]!, [...match[2]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!));
  }
  const commonLine = doc.split('\n').findIndex((line) => line.startsWith('Every function also gets'));
  const commonText = doc.split('\n').slice(commonLine, commonLine + 2).join(' ');
  const common = new Map([...commonText.matchAll(/`([A-Z0-9_]+)(?:=([^`]+))?`/g)].map((m) => [m[1]!, m[2]]));
  return { own, common };
};

describe('createFunction', () => {
  it('gives every function the Node.js 24 runtime on arm64 with active tracing and the `handler` export', () => {
    // Prepare
    const all = Object.values(functions);

    // Act
    const settings = all.map((fn) => ({
      runtime: fn.Properties?.Runtime,
      architectures: fn.Properties?.Architectures,
      tracing: fn.Properties?.TracingConfig,
      handler: fn.Properties?.Handler,
    }));

    // Assess
    expect(all).toHaveLength(16);
    for (const setting of settings) {
      expect(setting).toEqual({ runtime: 'nodejs24.x', architectures: ['arm64'], tracing: { Mode: 'Active' }, handler: 'index.handler' });
    }
  });

  it('names the handler file of every function in `pipeline:entry`, and that file exports `handler`', () => {
    // Prepare
    const entries = Object.values(functions).map((fn) => fn.Metadata?.[ENTRY_METADATA_KEY] as string);

    // Act
    const files = entries.map((entry) => path.join(REPO_ROOT, entry));

    // Assess
    expect(entries.sort()).toEqual([
      'functions/campaigns/broadcast-scheduler.handler.ts',
      'functions/campaigns/broadcast-step.handler.ts',
      'functions/campaigns/sweep-timers.handler.ts',
      'functions/compliance/admin-api.handler.ts',
      'functions/compliance/data-request.handler.ts',
      'functions/inbox/inbox-api.handler.ts',
      'functions/inbox/inbox-authorizer.handler.ts',
      'functions/ingest/ingest.handler.ts',
      'functions/measurement/daily-review.handler.ts',
      'functions/measurement/delivery-status.handler.ts',
      'functions/measurement/kpi-monitor.handler.ts',
      'functions/messaging/deliver.handler.ts',
      'functions/processing/process-events.handler.ts',
      'functions/profiles/nightly-profiles.handler.ts',
      'functions/recommendations/retrain-model.handler.ts',
      'functions/rollouts/rollout-step.handler.ts',
    ]);
    for (const file of files) {
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/export const handler\b/);
    }
  });

  it('gives every function exactly the environment docs/architecture.md lists for it', () => {
    // Prepare
    const { own, common } = documentedEnvironment();

    // Act
    const actual = Object.values(functions).map((fn) => (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables);

    // Assess
    expect([...own.keys()].sort()).toEqual(['admin-api', 'broadcast-scheduler', 'broadcast-step', 'daily-review', 'data-request', 'deliver', 'delivery-status', 'inbox-api', 'inbox-authorizer', 'ingest', 'kpi-monitor', 'nightly-profiles', 'process-events', 'retrain-model', 'rollout-step', 'sweep-timers']);
    expect([...common.keys()].sort()).toEqual(['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    for (const variables of actual) {
      const service = variables.POWERTOOLS_SERVICE_NAME as string;
      expect(Object.keys(variables).sort()).toEqual([...common.keys(), ...(own.get(service) ?? ['<undocumented function>'])].sort());
      for (const [name, value] of common) if (value !== undefined) expect(variables[name]).toBe(value);
    }
    expect(actual.map((v) => v.POWERTOOLS_LOG_LEVEL)).toEqual(Array(16).fill('INFO'));
  });

  it('gives every function its own log group with the configured retention, and a role without managed policies', () => {
    // Prepare
    const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    const roles = resourcesOfType(template, 'AWS::IAM::Role');

    // Act
    const wiring = Object.values(functions).map((fn) => ({
      logGroup: logGroups[((fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref)],
      role: roles[(fn.Properties?.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]],
    }));

    // Assess
    for (const { logGroup, role } of wiring) {
      expect(logGroup?.Properties?.RetentionInDays).toBe(30);
      expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(role?.Properties?.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
    }
  });

  it('refuses an entry outside the repository', () => {
    // Prepare
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bare');

    // Act
    const create = () =>
      createFunction(stack, 'Outside', {
        config: INGEST_CONFIG,
        entry: '../elsewhere/handler.ts',
        serviceName: 'outside',
        logRetention: RetentionDays.ONE_DAY,
        logRemovalPolicy: RemovalPolicy.DESTROY,
      });

    // Assess
    expect(create).toThrow(/outside the repository/);
  });

  it.each([
    ['a value its handler would refuse', { EVENTS_STREAM_NAME: 'events', EXTRA: 'x' }, /EXTRA is not a variable of this function/],
    ['a required resource left out', {}, /EVENTS_STREAM_NAME is required/],
  ])('refuses an environment its schema refuses (%s), at synth', (_, environment, message) => {
    // Prepare
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bare');

    // Act
    const create = () =>
      createFunction(stack, 'Ingest', {
        config: INGEST_CONFIG,
        entry: 'functions/ingest/ingest.handler.ts',
        serviceName: 'ingest',
        environment,
        logRetention: RetentionDays.ONE_DAY,
        logRemovalPolicy: RemovalPolicy.DESTROY,
      });

    // Assess
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(message);
  });
});
