import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { API_STAGE_NAME, BATCH_SCHEMA_FILE } from '../../../infra/constructs/ingest';
import { REPO_ROOT } from '../../../infra/create-function';
import { allowedActionsOf, arnOf, resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();

/** Not a resource of the inbox API (infra/constructs/inbox.ts, test/infra/constructs/inbox.test.ts). */
const ofEventsApi = (resource: { Properties?: Record<string, unknown> }): boolean => {
  const api = resource.Properties?.RestApiId as { Ref?: string } | undefined;
  return api === undefined || api.Ref === 'EventsApi';
};

/** The single resource of a type (of the events API), by logical ID and resource. */
const only = (type: string) => {
  const entries = Object.entries(resourcesOfType(template, type)).filter(([, resource]) => ofEventsApi(resource));
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

/** Substitutes sample values for the `$context` variables API Gateway fills into a gateway response. */
const renderGatewayResponse = (body: string): string =>
  body
    .replaceAll('$context.error.messageString', JSON.stringify('Forbidden "quoted"'))
    .replaceAll('$context.error.validationErrorString', '[object has missing required properties ([\\"events\\"])]')
    .replaceAll('$context.requestId', 'c0ffee');

describe('Ingest', () => {
  it('routes POST /v1/events to the ingest function through a Lambda proxy integration, with an API key required', () => {
    // Prepare
    const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
    const [v1Id] = Object.entries(resources).find(([, r]) => r.Properties?.PathPart === 'v1')!;
    const [eventsId, events] = Object.entries(resources).find(([, r]) => r.Properties?.PathPart === 'events')!;

    // Act
    const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { RestApiId: { Ref: 'EventsApi' } } });

    // Assess
    expect(events.Properties?.ParentId).toEqual({ Ref: v1Id });
    // The one method an API key opens; the others are the admin routes, IAM-authorised (admin-api.test.ts).
    expect(Object.values(methods).filter((m) => m.Properties?.ApiKeyRequired === true)).toHaveLength(1);
    expect(Object.values(methods).filter((m) => m.Properties?.ApiKeyRequired !== true).every((m) => m.Properties?.AuthorizationType === 'AWS_IAM')).toBe(true);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ResourceId: { Ref: eventsId },
      ApiKeyRequired: true,
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Join': ['', Match.arrayWith([arnOf('IngestFunction')])] },
      },
    });
  });

  it('validates the body against a draft-04 model built from events/schemas/batch.schema.json', () => {
    // Prepare
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, BATCH_SCHEMA_FILE), 'utf8'));
    const [validatorId] = only('AWS::ApiGateway::RequestValidator');
    const [modelId, model] = only('AWS::ApiGateway::Model');

    // Act
    const method = Object.values(template.findResources('AWS::ApiGateway::Method'))[0]!;

    // Assess
    expect(method.Properties.RequestValidatorId).toEqual({ Ref: validatorId });
    expect(method.Properties.RequestModels).toEqual({ 'application/json': { Ref: modelId } });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    expect(model.Properties?.ContentType).toBe('application/json');
    expect(model.Properties?.Schema).toEqual({ ...schema, $schema: 'http://json-schema.org/draft-04/schema#' });
  });

  it('throttles each API key through a usage plan on the stage', () => {
    // Prepare
    const [stageId, stage] = only('AWS::ApiGateway::Stage');
    const [keyId] = only('AWS::ApiGateway::ApiKey');

    // Act
    const [planId, plan] = only('AWS::ApiGateway::UsagePlan');

    // Assess
    expect(stage.Properties?.StageName).toBe(API_STAGE_NAME);
    expect(plan.Properties?.Throttle).toEqual({ RateLimit: 50, BurstLimit: 100 });
    expect(plan.Properties?.ApiStages).toEqual([expect.objectContaining({ ApiId: { Ref: 'EventsApi' }, Stage: { Ref: stageId } })]);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { Ref: keyId }, UsagePlanId: { Ref: planId }, KeyType: 'API_KEY' });
  });

  it('traces the stage and writes JSON access logs to a log group, without bodies', () => {
    // Prepare
    const [, stage] = only('AWS::ApiGateway::Stage');

    // Act
    const accessLog = stage.Properties?.AccessLogSetting as { DestinationArn: { 'Fn::GetAtt': [string] }; Format: string };
    const sample = accessLog.Format.replaceAll(/\$context\.error\.messageString/g, '"a \\"quoted\\" message"').replaceAll(/\$context\.[a-zA-Z.]+/g, 'x');

    // Assess
    expect(stage.Properties?.TracingEnabled).toBe(true);
    expect(stage.Properties?.MethodSettings).toEqual([expect.objectContaining({ LoggingLevel: 'ERROR', DataTraceEnabled: false, HttpMethod: '*', ResourcePath: '/*' })]);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } });
    expect(resourcesOfType(template, 'AWS::Logs::LogGroup')[accessLog.DestinationArn['Fn::GetAtt'][0]]).toBeDefined();
    expect(JSON.parse(sample)).toMatchObject({ requestId: 'x', apiKeyId: 'x', errorMessage: 'a "quoted" message' });
    expect(accessLog.Format).not.toContain('sourceIp');
  });

  it.each([
    ['BAD_REQUEST_BODY', '400', 'INVALID_BATCH'],
    ['INVALID_API_KEY', '403', 'INVALID_API_KEY'],
    ['ACCESS_DENIED', '403', 'ACCESS_DENIED'],
    ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
    ['THROTTLED', '429', 'THROTTLED'],
    ['QUOTA_EXCEEDED', '429', 'QUOTA_EXCEEDED'],
    ['MISSING_AUTHENTICATION_TOKEN', '403', 'MISSING_AUTHENTICATION_TOKEN'],
    ['INVALID_SIGNATURE', '403', 'INVALID_SIGNATURE'],
    ['DEFAULT_4XX', undefined, 'CLIENT_ERROR'],
    ['DEFAULT_5XX', undefined, 'INTERNAL_ERROR'],
  ])('answers %s with status %s and a JSON error envelope with code %s', (type, status, code) => {
    // Prepare
    const responses = Object.values(resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse'));

    // Act
    const response = responses.find((r) => r.Properties?.ResponseType === type);
    const body = JSON.parse(renderGatewayResponse((response?.Properties?.ResponseTemplates as Record<string, string>)['application/json']!));

    // Assess
    expect(response?.Properties?.StatusCode).toBe(status);
    expect(body).toEqual({ error: { code, message: expect.any(String), requestId: 'c0ffee' } });
  });

  it('tells the client why the body was rejected', () => {
    // Prepare
    const responses = Object.values(resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse'));

    // Act
    const badBody = responses.find((r) => r.Properties?.ResponseType === 'BAD_REQUEST_BODY');

    // Assess
    expect((badBody?.Properties?.ResponseTemplates as Record<string, string>)['application/json']).toContain('$context.error.validationErrorString');
  });

  it('creates a provisioned, encrypted Events stream with the configured shard count', () => {
    // Prepare
    const [logicalId, stream] = only('AWS::Kinesis::Stream');

    // Act
    const properties = stream.Properties;

    // Assess
    expect(logicalId).toBe('Events');
    expect(properties).toEqual({
      ShardCount: 1,
      RetentionPeriodHours: 24,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('lets the ingest function put records on the Events stream and nothing else', () => {
    // Prepare
    const ownLogGroup = (template.toJSON().Resources.IngestFunction.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;

    // Act
    const allowed = allowedActionsOf(template, 'IngestFunction');

    // Assess
    expect(Object.fromEntries(allowed)).toEqual({
      'kinesis:PutRecords': [arnOf('Events')],
      'logs:CreateLogStream': [arnOf(ownLogGroup)],
      'logs:PutLogEvents': [arnOf(ownLogGroup)],
      'xray:PutTraceSegments': ['*'],
      'xray:PutTelemetryRecords': ['*'],
    });
  });

  it('takes shard count and throttling from context', () => {
    // Prepare
    const context = { 'pipeline:shardCount': '3', 'pipeline:apiThrottleRateLimit': '200', 'pipeline:apiThrottleBurstLimit': '400' };

    // Act
    const configured = synthPipeline({ context }).template;

    // Assess
    configured.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 3 });
    configured.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 200, BurstLimit: 400 } });
  });
});
