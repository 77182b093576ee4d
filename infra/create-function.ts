import * as path from 'node:path';
import { Duration, Token, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ConfigurationError, type EnvironmentOf, type FunctionConfig, type Schema } from '../layers/runtime/config';
import { acknowledgeNagFinding } from './nag';

/** The repository root: `projectRoot` of every bundle and the base of `pipeline:entry`. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** CloudFormation metadata key naming a function's handler file; the local stack reads it. */
export const ENTRY_METADATA_KEY = 'pipeline:entry';

/** CloudWatch metrics namespace shared by every function (Powertools Metrics). */
export const METRICS_NAMESPACE = 'MarketingPipeline';

/** Settings every function of the stack shares; the stack resolves them once from its config. */
export interface FunctionDefaults {
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the function's log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** How long the dead-letter queues of the functions (and their schedules) keep a message; 14 days if absent. */
  readonly deadLetterRetention?: Duration;
}

/** What differs between the pipeline's functions. */
export interface CreateFunctionProps<S extends Schema> extends FunctionDefaults {
  /**
   * The function's configuration schema (layers/runtime/function-configs.ts), which its handler parses
   * at cold start: the environment set here is checked against it at synth.
   */
  readonly config: FunctionConfig<S>;
  /** Handler file relative to the repository root, e.g. `functions/ingest/ingest.handler.ts`; it exports `handler`. */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: the name logs, metrics and traces are grouped under. */
  readonly serviceName: string;
  /** The function's own environment, added to the shared Powertools variables; names and values per {@link config}. */
  readonly environment?: EnvironmentOf<S>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Shown in the console next to the function. */
  readonly description?: string;
}

/**
 * Creates a pipeline Lambda function: the one place where runtime, architecture, bundling, tracing,
 * log retention and the Powertools variables are decided, so the functions cannot drift apart.
 *
 * Next to the function it creates its log group (`<id>Logs`) and its execution role (`<id>Role`). The
 * role gets no AWS managed policy: it may write to its own log group only, plus X-Ray, plus whatever
 * the caller grants.
 */
export const createFunction = <S extends Schema>(scope: Construct, id: string, props: CreateFunctionProps<S>): NodejsFunction => {
  const entry = toRepoRelative(props.entry);
  const problems = props.config.problems(props.environment ?? {}, (value) => Token.isUnresolved(value));
  if (problems.length > 0) throw new ConfigurationError(problems, props.serviceName);
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: props.logRemovalPolicy,
  });
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${props.serviceName}`,
  });
  // Instead of AWSLambdaBasicExecutionRole (CreateLogGroup and PutLogEvents on every log group).
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(scope, id, {
    entry: path.join(REPO_ROOT, entry),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(30),
    tracing: lambda.Tracing.ACTIVE,
    description: props.description,
    role,
    logGroup,
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    environment: {
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    },
    bundling: {
      // Local esbuild only: builds must work on machines without Docker.
      forceDockerBundling: false,
      format: OutputFormat.CJS,
      target: 'node24',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      // Bundle the SDK too (the default would leave @aws-sdk/* to the runtime): package-lock.json pins
      // the SDK, Powertools and Smithy versions together, and the runtime's copy moves under our feet.
      externalModules: [],
    },
  });

  const cfnFunction = fn.node.defaultChild as lambda.CfnFunction;
  cfnFunction.addMetadata(ENTRY_METADATA_KEY, entry);

  // Tracing ACTIVE makes CDK add xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the
  // role's default policy; test/infra/pipeline-stack.test.ts checks nothing else there uses "*".
  acknowledgeNagFinding(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS documents Resource "*" for them; no other action in this role uses "*".',
  );
  return fn;
};

/** `pipeline:entry` is always POSIX and relative to the repository root, whatever form it came in. */
const toRepoRelative = (entry: string): string => {
  const relative = path.relative(REPO_ROOT, path.resolve(REPO_ROOT, entry));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`function entry ${entry} is outside the repository`);
  }
  return relative.split(path.sep).join('/');
};
