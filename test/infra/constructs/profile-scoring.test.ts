import { App, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NIGHTLY_PROFILES_TIMEOUT, ProfileScoring, RUN_RETRY, SCHEDULE_RETRY } from '../../../infra/constructs/profile-scoring';
import { ENTRY_METADATA_KEY } from '../../../infra/create-function';
import { allowedActionsOf, arnOf, resourcesOfType, synthPipeline, type Statement } from '../synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources;

/** The schedule's target as it appears in the template. */
const targetOf = (schedule: { Properties: { Target: Record<string, unknown> } }) =>
  schedule.Properties.Target as { Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] }; RetryPolicy: unknown; DeadLetterConfig: unknown };

/** Every statement of the identity policies attached to a role, by the role's logical ID. */
const roleStatements = (roleId: string): Statement[] =>
  Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);

describe('ProfileScoring', () => {
  it('starts nightly-profiles every day at 02:00 UTC by default, with no flexible window', () => {
    // Prepare
    const schedule = resources.NightlyProfilesSchedule;

    // Act
    const properties = schedule.Properties;

    // Assess
    expect(schedule.Type).toBe('AWS::Scheduler::Schedule');
    expect(properties).toMatchObject({
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(Object.keys(resourcesOfType(template, 'AWS::Scheduler::Schedule'))).toContain('NightlyProfilesSchedule');
  });

  it('invokes the unqualified function, retries an undelivered invocation for two hours, then parks it in NightlyProfilesScheduleDlq', () => {
    // Prepare
    const schedule = resources.NightlyProfilesSchedule;

    // Act
    const target = targetOf(schedule);

    // Assess
    expect(SCHEDULE_RETRY).toEqual({ attempts: 5, maxEventAge: Duration.hours(2) });
    expect(target).toEqual({
      Arn: arnOf('NightlyProfilesFunction'),
      RoleArn: arnOf(target.RoleArn['Fn::GetAtt'][0]),
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 2 * 3600 },
      DeadLetterConfig: { Arn: arnOf('NightlyProfilesScheduleDlq') },
    });
  });

  it("lets only this account's Scheduler assume the schedule role, which may invoke the function and send to the DLQ and nothing else", () => {
    // Prepare
    const roleId = targetOf(resources.NightlyProfilesSchedule).RoleArn['Fn::GetAtt'][0];

    // Act
    const role = resources[roleId];
    const statements = roleStatements(roleId);

    // Assess
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule-group/default']],
            },
          },
        },
      },
    ]);
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf('NightlyProfilesFunction') },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arnOf('NightlyProfilesScheduleDlq') },
    ]);
  });

  it('retries a failed run once, then sends it to the same DLQ', () => {
    // Prepare
    const configs = Object.values(resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig'));

    // Act
    const forFunction = configs.filter((c) => JSON.stringify(c.Properties?.FunctionName) === JSON.stringify({ Ref: 'NightlyProfilesFunction' }));

    // Assess
    expect(RUN_RETRY).toEqual({ attempts: 1, maxEventAge: Duration.hours(2) });
    expect(forFunction).toHaveLength(1);
    expect(forFunction[0]?.Properties).toEqual({
      FunctionName: { Ref: 'NightlyProfilesFunction' },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 2 * 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf('NightlyProfilesScheduleDlq') } },
    });
  });

  it('creates NightlyProfilesScheduleDlq encrypted, SSL-only and keeping messages for 14 days', () => {
    // Prepare
    const queue = resourcesOfType(template, 'AWS::SQS::Queue').NightlyProfilesScheduleDlq;

    // Act
    const properties = queue?.Properties;

    // Assess
    expect(properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: 'NightlyProfilesScheduleDlq' }],
      PolicyDocument: { Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    });
  });

  it('runs nightly-profiles for up to 15 minutes with 1024 MB, from its handler file', () => {
    // Prepare
    const fn = resources.NightlyProfilesFunction;

    // Act
    const { Timeout, MemorySize } = fn.Properties;

    // Assess
    expect(NIGHTLY_PROFILES_TIMEOUT.toMinutes()).toBe(15);
    expect({ Timeout, MemorySize }).toEqual({ Timeout: 900, MemorySize: 1024 });
    expect(fn.Metadata[ENTRY_METADATA_KEY]).toBe('functions/profiles/nightly-profiles.handler.ts');
  });

  it('gives nightly-profiles exactly the Profiles, Campaigns and Timers table names and the RFM currency, besides the shared variables', () => {
    // Prepare
    const fn = resources.NightlyProfilesFunction;

    // Act
    const variables = fn.Properties.Environment.Variables;

    // Assess
    expect(variables).toEqual({
      POWERTOOLS_SERVICE_NAME: 'nightly-profiles',
      POWERTOOLS_METRICS_NAMESPACE: 'MarketingPipeline',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      PROFILES_TABLE_NAME: { Ref: 'Profiles' },
      CAMPAIGNS_TABLE_NAME: { Ref: 'Campaigns' },
      TIMERS_TABLE_NAME: { Ref: 'Timers' },
      RFM_CURRENCY: 'GBP',
    });
  });

  it('lets nightly-profiles scan, get and put Profiles items, scan Campaigns, arm Timers and send failed runs to its DLQ, nothing else', () => {
    // Prepare
    const ownLogGroup = (resources.NightlyProfilesFunction.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;

    // Act
    const allowed = allowedActionsOf(template, 'NightlyProfilesFunction');

    // Assess
    expect(Object.fromEntries(allowed)).toEqual({
      'dynamodb:Scan': [arnOf('Profiles'), arnOf('Campaigns')],
      'dynamodb:GetItem': [arnOf('Profiles')],
      'dynamodb:PutItem': [arnOf('Profiles'), arnOf('Timers')],
      // The on-failure destination: Lambda sends with the function's role (CDK adds the two read actions).
      'sqs:SendMessage': [arnOf('NightlyProfilesScheduleDlq')],
      'sqs:GetQueueAttributes': [arnOf('NightlyProfilesScheduleDlq')],
      'sqs:GetQueueUrl': [arnOf('NightlyProfilesScheduleDlq')],
      'logs:CreateLogStream': [arnOf(ownLogGroup)],
      'logs:PutLogEvents': [arnOf(ownLogGroup)],
      'xray:PutTraceSegments': ['*'],
      'xray:PutTelemetryRecords': ['*'],
    });
  });

  it('takes the schedule hour, time zone and RFM currency from context', () => {
    // Prepare
    const context = { 'pipeline:scoringScheduleHour': '4', 'pipeline:scoringScheduleTimeZone': 'Europe/London', 'pipeline:rfmCurrency': 'EUR' };

    // Act
    const configured = synthPipeline({ context }).template.toJSON().Resources;

    // Assess
    expect(configured.NightlyProfilesSchedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 4 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Description: 'Starts nightly-profiles every day at 04:00 Europe/London',
    });
    expect(configured.NightlyProfilesFunction.Properties.Environment.Variables.RFM_CURRENCY).toBe('EUR');
  });

  it('can run at midnight', () => {
    // Prepare
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Scoring');
    const profilesTable = new dynamodb.Table(stack, 'Profiles', { partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING } });

    // Act
    new ProfileScoring(stack, 'ProfileScoring', {
      profilesTable,
      campaignsTable: profilesTable,
      timersTable: profilesTable,
      rfmCurrency: 'USD',
      schedule: { hour: 0, timeZone: TimeZone.AMERICA_NEW_YORK },
      functionDefaults: { logRetention: RetentionDays.ONE_DAY, logRemovalPolicy: RemovalPolicy.DESTROY },
    });
    const scoring = Template.fromStack(stack);

    // Assess
    scoring.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 0 * * ? *)', ScheduleExpressionTimezone: 'America/New_York' });
  });
});
