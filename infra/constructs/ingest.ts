import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createFunction, REPO_ROOT, type FunctionDefaults } from '../create-function';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { addGatewayErrors } from './api-gateway-errors';
import { INGEST_CONFIG } from '../../layers/runtime/function-configs';

/** The envelope schema API Gateway validates `POST /v1/events` bodies against. */
export const BATCH_SCHEMA_FILE = 'events/schemas/batch.schema.json';

/** Name of the API stage; the route itself is `/v1/events`, so the URL ends in `/live/v1/events`. */
export const API_STAGE_NAME = 'live';

/** `POWERTOOLS_SERVICE_NAME` of ingest: the `service` dimension of its metrics (`EventsAccepted`, `EventsRejected`). */
export const INGEST_SERVICE_NAME = 'ingest';

/** Props of {@link Ingest}. */
export interface IngestProps {
  /** Shards of the `Events` stream. */
  readonly shardCount: number;
  /** Retention of the `Events` stream. */
  readonly streamRetention: Duration;
  /** Removal policy of the stream and of the access log group. */
  readonly removalPolicy: RemovalPolicy;
  /** Per-key throttling of the usage plan. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** See `PipelineConfig.manageApiGatewayAccountRole`. */
  readonly manageApiGatewayAccountRole: boolean;
  /** Log settings of the ingest function and of the API access logs. */
  readonly functionDefaults: FunctionDefaults;
}

/**
 * The front door: REST API `POST /v1/events` (write key + usage plan, envelope validated by API
 * Gateway against `events/schemas/batch.schema.json`), the ingest function behind it, and the
 * `Events` stream it writes to.
 */
export class Ingest extends Construct {
  /** `Events`: provisioned, encrypted with the AWS managed key; partition key = user id. */
  readonly eventsStream: kinesis.IStream;
  /** The ingest function (`functions/ingest/ingest.handler.ts`). */
  readonly ingestFunction: lambda.IFunction;
  /** The REST API. */
  readonly api: apigateway.RestApi;
  /** The write key apps send as `x-api-key`; its value is read with `aws apigateway get-api-key --include-value`. */
  readonly apiKey: apigateway.IApiKey;
  /** Full URL of `POST /v1/events`. */
  readonly eventsUrl: string;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);

    const stream = pinLogicalId(
      new kinesis.Stream(this, 'Events', {
        streamMode: kinesis.StreamMode.PROVISIONED,
        shardCount: props.shardCount,
        retentionPeriod: props.streamRetention,
        // The AWS managed key (aws/kinesis): encrypted at rest with no key policy to maintain (KDS1, KDS3).
        encryption: kinesis.StreamEncryption.MANAGED,
        removalPolicy: props.removalPolicy,
      }),
      'Events',
    );
    this.eventsStream = stream;

    const ingestFunction = pinLogicalId(
      createFunction(this, 'IngestFunction', {
        ...props.functionDefaults,
        config: INGEST_CONFIG,
        entry: 'functions/ingest/ingest.handler.ts',
        serviceName: INGEST_SERVICE_NAME,
        description: 'POST /v1/events: validates each event and writes the batch to the Events stream',
        // API Gateway gives up after 29 s; a PutRecords call with retries fits well within 10.
        timeout: Duration.seconds(10),
        environment: { EVENTS_STREAM_NAME: stream.streamName },
      }),
      'IngestFunction',
    );
    // PutRecords only: no ListShards or DescribeStream, which grantWrite would add and ingest never calls.
    stream.grant(ingestFunction, 'kinesis:PutRecords');
    this.ingestFunction = ingestFunction;

    this.api = this.createApi(props);
    const v1Events = this.api.root.addResource('v1').addResource('events');
    const method = v1Events.addMethod('POST', new apigateway.LambdaIntegration(ingestFunction, { allowTestInvoke: false }), {
      apiKeyRequired: true,
      requestValidator: this.api.addRequestValidator('BatchValidator', {
        requestValidatorName: 'batch-envelope',
        validateRequestBody: true,
        // No parameter is declared, so this checks nothing today; it keeps future ones validated (APIG2).
        validateRequestParameters: true,
      }),
      requestModels: {
        'application/json': this.api.addModel('EventBatch', {
          contentType: 'application/json',
          modelName: 'EventBatch',
          schema: loadModelSchema(BATCH_SCHEMA_FILE),
        }),
      },
    });
    acknowledgeNagFinding(
      method,
      'AwsSolutions-APIG4',
      'Apps authenticate with a per-app write key (x-api-key, required on this method) and a usage plan, as analytics ingestion endpoints do: events come from anonymous and signed-in app users alike, so there is no end-user identity for an IAM or Cognito authorizer to check.',
    );
    acknowledgeNagFinding(
      method,
      'AwsSolutions-COG4',
      'Same as APIG4: the caller is an app holding a write key, not a Cognito user, so a Cognito user pool authorizer does not apply to this ingestion endpoint.',
    );
    addGatewayErrors(this.api);

    this.apiKey = this.api.addApiKey('IngestApiKey', { description: 'Write key of POST /v1/events' });
    const plan = this.api.addUsagePlan('IngestUsagePlan', {
      description: 'Per-key throttling of POST /v1/events; API Gateway answers 429 above it',
      throttle: props.throttle,
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    plan.addApiKey(this.apiKey);

    this.eventsUrl = this.api.urlForPath(v1Events.path);
  }

  private createApi(props: IngestProps): apigateway.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: props.functionDefaults.logRetention,
      removalPolicy: props.functionDefaults.logRemovalPolicy,
    });
    const api = pinLogicalId(
      new apigateway.RestApi(this, 'EventsApi', {
        restApiName: `${Stack.of(this).stackName}-events`,
        description: 'Marketing pipeline event ingestion',
        endpointTypes: [apigateway.EndpointType.REGIONAL],
        cloudWatchRole: props.manageApiGatewayAccountRole,
        deployOptions: loggedStageOptions(accessLogs),
      }),
      'EventsApi',
    );
    if (props.manageApiGatewayAccountRole) {
      const cloudWatchRole = api.node.findChild('CloudWatchRole');
      acknowledgeNagFinding(
        cloudWatchRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'The role API Gateway assumes to write execution logs (required by APIG6) uses the AWS managed policy AWS documents for exactly that purpose; it is assumable by apigateway.amazonaws.com only.',
      );
    }
    acknowledgeNagFinding(
      api.deploymentStage,
      'AwsSolutions-APIG3',
      'No WAF web ACL by default: the endpoint accepts only requests with a valid write key, is throttled per key by the usage plan, and validates every body. A web ACL (cost, managed rule choice) can be associated with the stage at deploy time where the account requires one.',
    );
    return api;
  }
}

/**
 * Reads a draft-04 JSON Schema file as an API Gateway model. The schema's `type` strings are the
 * values of `JsonSchemaType`, so the parsed JSON already has the shape CDK expects.
 */
export const loadModelSchema = (file: string): apigateway.JsonSchema => {
  const { $schema: _schema, $id: _id, ...schema } = JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;
  return { ...(schema as apigateway.JsonSchema), schema: apigateway.JsonSchemaVersion.DRAFT4 };
};

/**
 * The `live` stage of a REST API of the stack: traced, with metrics, execution logs at ERROR for every
 * method (APIG6; never request or response bodies, which hold personal data) and JSON access logs.
 */
export const loggedStageOptions = (accessLogs: logs.ILogGroup): apigateway.StageOptions => ({
  stageName: API_STAGE_NAME,
  tracingEnabled: true,
  metricsEnabled: true,
  loggingLevel: apigateway.MethodLoggingLevel.ERROR,
  dataTraceEnabled: false,
  accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
  accessLogFormat: accessLogFormat(),
});

/**
 * JSON access log lines. Without the source IP or user agent: both are personal data, and the API key
 * id already tells which app sent a request.
 */
const accessLogFormat = (): apigateway.AccessLogFormat => {
  const F = apigateway.AccessLogField;
  const fields = {
    requestId: F.contextRequestId(),
    requestTime: F.contextRequestTime(),
    httpMethod: F.contextHttpMethod(),
    resourcePath: F.contextResourcePath(),
    status: F.contextStatus(),
    responseLength: F.contextResponseLength(),
    responseLatency: F.contextResponseLatency(),
    integrationStatus: F.contextIntegrationStatus(),
    integrationLatency: F.contextIntegrationLatency(),
    apiKeyId: F.contextIdentityApiKeyId(),
    errorType: F.contextErrorResponseType(),
    xrayTraceId: F.contextXrayTraceId(),
  };
  const quoted = Object.entries(fields).map(([name, value]) => `"${name}":"${value}"`);
  // messageString comes quoted by API Gateway, so it stays valid JSON whatever the message holds.
  return apigateway.AccessLogFormat.custom(`{${[...quoted, `"errorMessage":${F.contextErrorMessageString()}`].join(',')}}`);
};
