import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { actionsOf, resourcesOfType, statementsOf, synthPipeline } from './synth-pipeline';

const { stack, template } = synthPipeline();
const functionIds = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'));

describe('MarketingPipelineStack', () => {
  it.each([
    ['Events', 'AWS::Kinesis::Stream'],
    ['Profiles', 'AWS::DynamoDB::Table'],
    ['Messages', 'AWS::DynamoDB::Table'],
    ['Intents', 'AWS::SQS::Queue'],
    ['IntentsDlq', 'AWS::SQS::Queue'],
    ['EventsDlq', 'AWS::SQS::Queue'],
    ['Alerts', 'AWS::SNS::Topic'],
    ['DeliveryEvents', 'AWS::SNS::Topic'],
    ['EventsApi', 'AWS::ApiGateway::RestApi'],
    ['IngestFunction', 'AWS::Lambda::Function'],
    ['ProcessEventsFunction', 'AWS::Lambda::Function'],
    ['DeliverFunction', 'AWS::Lambda::Function'],
    ['NightlyProfilesFunction', 'AWS::Lambda::Function'],
    ['NightlyProfilesSchedule', 'AWS::Scheduler::Schedule'],
    ['NightlyProfilesScheduleDlq', 'AWS::SQS::Queue'],
  ])('names the %s resource by its stable logical ID', (logicalId, type) => {
    // Prepare
    const resources = template.toJSON().Resources;

    // Act
    const resource = resources[logicalId];

    // Assess
    expect(resource?.Type).toBe(type);
  });

  it('encrypts every queue and refuses non-TLS access to it', () => {
    // Prepare
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');

    // Act
    const unencrypted = Object.entries(queues).filter(([, q]) => q.Properties?.SqsManagedSseEnabled !== true);

    // Assess
    expect(Object.keys(queues)).toHaveLength(9);
    expect(unencrypted).toEqual([]);
    for (const queue of Object.keys(queues)) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('allows Resource "*" only for the X-Ray actions and deliver\'s SMS actions, which support nothing narrower', () => {
    // Prepare
    const statements = functionIds.flatMap((id) => statementsOf(template, id));

    // Act
    const wildcard = statements.filter((s) => [s.Resource].flat().includes('*'));

    // Assess
    const xray = wildcard.filter((s) => actionsOf(s).every((a) => a.startsWith('xray:')));
    expect(xray).toHaveLength(functionIds.length);
    for (const statement of xray) expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(wildcard.filter((s) => !xray.includes(s)).map(actionsOf)).toEqual([['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut']]);
  });

  it('uses no action wildcards in any function policy', () => {
    // Prepare
    const statements = functionIds.flatMap((id) => statementsOf(template, id));

    // Act
    const wildcardActions = statements.flatMap(actionsOf).filter((a) => a.includes('*'));

    // Assess
    expect(wildcardActions).toEqual([]);
  });

  it('attaches an AWS managed policy only to the API Gateway logging role', () => {
    // Prepare
    const roles = resourcesOfType(template, 'AWS::IAM::Role');

    // Act
    const withManaged = Object.values(roles).filter((r) => r.Properties?.ManagedPolicyArns);

    // Assess
    expect(withManaged).toHaveLength(1);
    expect(withManaged[0]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'apigateway.amazonaws.com' } }],
    });
    expect(JSON.stringify(withManaged[0]?.Properties?.ManagedPolicyArns)).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
  });

  it('outputs the endpoint URL, the API key id, the topic ARNs, the dashboard and the name of the nightly function', () => {
    // Prepare
    const outputs = template.toJSON().Outputs;

    // Act
    const names = Object.keys(outputs);

    // Assess
    expect(names).toEqual(expect.arrayContaining(['EventsEndpointUrl', 'IngestApiKeyId', 'AlertsTopicArn', 'DeliveryEventsTopicArn', 'DashboardName', 'NightlyProfilesFunctionName']));
    expect(outputs.DashboardName.Value).toEqual({ Ref: 'PipelineDashboard' });
    expect(outputs.NightlyProfilesFunctionName.Value).toEqual({ Ref: 'NightlyProfilesFunction' });
    expect(JSON.stringify(outputs.EventsEndpointUrl.Value)).toContain('/v1/events');
  });

  it('synthesizes without CDK warnings or errors', () => {
    // Prepare
    const annotations = Annotations.fromStack(stack);

    // Act
    const findings = [...annotations.findWarning('*', Match.anyValue()), ...annotations.findError('*', Match.anyValue())];

    // Assess
    expect(findings).toEqual([]);
  });

  it('can leave the account-wide API Gateway logging role to someone else', () => {
    // Prepare
    const context = { 'pipeline:manageApiGatewayAccountRole': 'false' };

    // Act
    const configured = synthPipeline({ context }).template;

    // Assess
    configured.resourceCountIs('AWS::ApiGateway::Account', 0);
    configured.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR' })] });
  });
});
