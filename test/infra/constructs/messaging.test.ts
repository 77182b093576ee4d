import { Match } from 'aws-cdk-lib/assertions';
import { DELIVER_TIMEOUT, INTENTS_MAX_RECEIVE_COUNT } from '../../../infra/constructs/messaging';
import { actionsOf, allowedActionsOf, arnOf, resourcesOfType, statementsOf, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const queues = resourcesOfType(template, 'AWS::SQS::Queue');

describe('Messaging', () => {
  it('moves an intent to IntentsDlq after 5 receives', () => {
    // Prepare
    const intents = queues.Intents;

    // Act
    const redrive = intents?.Properties?.RedrivePolicy;

    // Assess
    expect(INTENTS_MAX_RECEIVE_COUNT).toBe(5);
    expect(redrive).toEqual({ deadLetterTargetArn: arnOf('IntentsDlq'), maxReceiveCount: 5 });
    expect(queues.IntentsDlq?.Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('hides a received intent for at least six times the deliver timeout', () => {
    // Prepare
    const deliver = template.toJSON().Resources.DeliverFunction;

    // Act
    const visibility = queues.Intents?.Properties?.VisibilityTimeout as number;

    // Assess
    expect(deliver.Properties.Timeout).toBe(DELIVER_TIMEOUT.toSeconds());
    expect(visibility).toBeGreaterThanOrEqual(6 * deliver.Properties.Timeout);
  });

  it('feeds deliver from Intents ten at a time with partial batch responses', () => {
    // Prepare
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

    // Act
    const sqs = mappings.filter((m) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify(arnOf('Intents')));

    // Assess
    expect(sqs).toHaveLength(1);
    expect(sqs[0]?.Properties).toEqual({
      FunctionName: { Ref: 'DeliverFunction' },
      EventSourceArn: arnOf('Intents'),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('passes both tables and the delivery-events topic to deliver', () => {
    // Prepare
    const fn = template.toJSON().Resources.DeliverFunction;

    // Act
    const variables = fn.Properties.Environment.Variables;

    // Assess
    expect(variables).toMatchObject({
      PROFILES_TABLE_NAME: { Ref: 'Profiles' },
      MESSAGES_TABLE_NAME: { Ref: 'Messages' },
      DELIVERY_EVENTS_TOPIC_ARN: { Ref: 'DeliveryEvents' },
      CAMPAIGNS_TABLE_NAME: { Ref: 'Campaigns' },
      TIMERS_TABLE_NAME: { Ref: 'Timers' },
      QUIET_HOURS: '22:00-08:00',
      PUSH_RATE_PER_SECOND: '100',
      SMS_RATE_PER_SECOND: '20',
      PUSH_CAP_PER_24H: '3',
      MARKETING_CAP_PER_24H: '1',
      SMS_CAP_PER_24H: '1',
      CAMPAIGN_CACHE_TTL_SECONDS: '60',
    });
    expect(variables.DEFAULT_TIME_ZONE).toBeUndefined();
  });

  it('passes delivery settings from context to deliver, and refuses one deliver would refuse', () => {
    // Prepare
    const context = { 'pipeline:quietHours': '21:00-09:00', 'pipeline:defaultTimeZone': 'Europe/London', 'pipeline:smsRatePerSecond': '5' };

    // Act
    const configured = synthPipeline({ context }).template.toJSON().Resources.DeliverFunction.Properties.Environment.Variables;
    const refused = () => synthPipeline({ context: { 'pipeline:quietHours': '25:00-08:00' } });

    // Assess
    expect(configured).toMatchObject({ QUIET_HOURS: '21:00-09:00', DEFAULT_TIME_ZONE: 'Europe/London', SMS_RATE_PER_SECOND: '5', PUSH_RATE_PER_SECOND: '100' });
    expect(refused).toThrow(/pipeline:quietHours="25:00-08:00" is invalid: expected QUIET_HOURS: /);
  });

  it('creates the Alerts and DeliveryEvents topics SSL-only, DeliveryEvents encrypted', () => {
    // Prepare
    const topics = resourcesOfType(template, 'AWS::SNS::Topic');

    // Act
    const names = Object.keys(topics).sort();

    // Assess
    expect(names).toEqual(['Alerts', 'DeliveryEvents', 'Reviews']);
    expect(JSON.stringify(topics.DeliveryEvents?.Properties?.KmsMasterKeyId)).toContain(':alias/aws/sns');
    for (const topic of names) {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topic }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('lets deliver read Profiles and Campaigns, read and write Messages, arm Timers, consume Intents, and publish outcomes, pushes and SMS only', () => {
    // Prepare
    const allowed = allowedActionsOf(template, 'DeliverFunction');

    // Act
    const onResource = (resource: object) =>
      [...allowed.entries()].filter(([, resources]) => resources.some((r) => JSON.stringify(r) === JSON.stringify(resource))).map(([a]) => a);

    // Assess
    expect([...allowed.keys()].filter((a) => a.startsWith('kinesis:'))).toEqual([]);
    expect(onResource(arnOf('Profiles')).filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    expect(onResource(arnOf('Messages'))).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem']));
    expect(onResource(arnOf('Intents'))).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(onResource(arnOf('Campaigns')).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Scan']);
    expect(onResource(arnOf('Timers')).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(JSON.stringify([...allowed.values()])).not.toContain('/index/');
    expect(allowed.has('sqs:SendMessage')).toBe(false);
    expect(allowed.get('sns:Publish')).toEqual([
      { Ref: 'DeliveryEvents' },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':endpoint/*']] },
      '*',
    ]);
    expect(allowed.get('sns:CheckIfPhoneNumberIsOptedOut')).toEqual(['*']);
  });

  it('keeps the platform-endpoint wildcard in a policy of its own, with sns:Publish as its only action', () => {
    // Prepare
    const statements = statementsOf(template, 'DeliverFunction');

    // Act
    const endpointStatements = statements.filter((s) => JSON.stringify(s.Resource).includes(':endpoint/*'));

    // Assess
    expect(endpointStatements).toHaveLength(1);
    expect(actionsOf(endpointStatements[0]!)).toEqual(['sns:Publish']);
    expect([endpointStatements[0]!.Resource].flat()).toHaveLength(1);
  });
});
