import { SWEEP_DELIVERY_RETRY, SWEEP_RUN_RETRY, SWEEP_TIMERS_TIMEOUT } from '../../../infra/constructs/campaign-timers';
import { ENTRY_METADATA_KEY } from '../../../infra/create-function';
import { TIMERS_BY_DUE_INDEX } from '../../../layers/adapters/dynamo-timer-store';
import { allowedActionsOf, arnOf, resourcesOfType, synthPipeline, type Statement } from '../synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources;

const roleStatements = (roleId: string): Statement[] =>
  Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);

describe('CampaignTimers', () => {
  it('runs sweep-timers every minute, with no flexible window', () => {
    // Prepare
    const schedule = resources.SweepTimersSchedule;

    // Act
    const properties = schedule.Properties;

    // Assess
    expect(schedule.Type).toBe('AWS::Scheduler::Schedule');
    expect(properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', FlexibleTimeWindow: { Mode: 'OFF' }, State: 'ENABLED' });
    expect(properties.Target).toMatchObject({
      Arn: arnOf('SweepTimersFunction'),
      RetryPolicy: { MaximumRetryAttempts: SWEEP_DELIVERY_RETRY.attempts, MaximumEventAgeInSeconds: 60 },
      DeadLetterConfig: { Arn: arnOf('SweepTimersScheduleDlq') },
    });
  });

  it('lets the schedule role invoke sweep-timers and send to its DLQ, nothing else', () => {
    // Prepare
    const roleId = resources.SweepTimersSchedule.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;

    // Act
    const statements = roleStatements(roleId);

    // Assess
    expect(resources[roleId].Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf('SweepTimersFunction') },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arnOf('SweepTimersScheduleDlq') },
    ]);
  });

  it('does not retry a failed sweep (the next tick redoes it) and keeps failed runs out of the DLQ', () => {
    // Prepare
    const configs = Object.values(resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig'));

    // Act
    const forFunction = configs.filter((c) => JSON.stringify(c.Properties?.FunctionName) === JSON.stringify({ Ref: 'SweepTimersFunction' }));

    // Assess
    expect(SWEEP_RUN_RETRY.attempts).toBe(0);
    expect(forFunction.map((c) => c.Properties)).toEqual([
      { FunctionName: { Ref: 'SweepTimersFunction' }, Qualifier: '$LATEST', MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
    ]);
  });

  it('runs the sweep handler within a minute, with the Timers table and the Intents queue', () => {
    // Prepare
    const fn = resources.SweepTimersFunction;

    // Act
    const { Timeout, Environment } = fn.Properties;

    // Assess
    expect(fn.Metadata[ENTRY_METADATA_KEY]).toBe('functions/campaigns/sweep-timers.handler.ts');
    expect(Timeout).toBe(SWEEP_TIMERS_TIMEOUT.toSeconds());
    expect(Timeout).toBeLessThan(60);
    expect(Environment.Variables).toMatchObject({ TIMERS_TABLE_NAME: { Ref: 'Timers' }, INTENTS_QUEUE_URL: { Ref: 'Intents' } });
  });

  it('lets sweep-timers query byDue, read and delete timers, and send to Intents only', () => {
    // Prepare
    const allowed = allowedActionsOf(template, 'SweepTimersFunction');

    // Act
    const dynamo = [...allowed.entries()].filter(([action]) => action.startsWith('dynamodb:'));
    const sqs = [...allowed.entries()].filter(([action]) => action.startsWith('sqs:'));

    // Assess
    const index = { 'Fn::Join': ['', [arnOf('Timers'), `/index/${TIMERS_BY_DUE_INDEX}`]] };
    expect(Object.fromEntries(dynamo)).toEqual({
      'dynamodb:BatchGetItem': [arnOf('Timers')],
      'dynamodb:DeleteItem': [arnOf('Timers')],
      'dynamodb:Query': [arnOf('Timers'), index],
    });
    expect(sqs.map(([action]) => action)).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    for (const [, queues] of sqs) expect(queues).toEqual([arnOf('Intents')]);
    expect([...allowed.keys()].filter((a) => a.startsWith('sns:') || a.startsWith('kinesis:'))).toEqual([]);
  });
});
