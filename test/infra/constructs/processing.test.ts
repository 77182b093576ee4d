import { arnOf, allowedActionsOf, resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();

describe('Processing', () => {
  it('feeds process-events from the Events stream in ordered, bisecting, partially failing batches', () => {
    // Prepare
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

    // Act
    const kinesis = mappings.filter((m) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify(arnOf('Events')));

    // Assess
    expect(kinesis).toHaveLength(1);
    expect(kinesis[0]?.Properties).toEqual({
      FunctionName: { Ref: 'ProcessEventsFunction' },
      EventSourceArn: arnOf('Events'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf('EventsDlq') } },
    });
  });

  it('gives up on a record well before the stream forgets it, so the failed batch can be replayed', () => {
    // Prepare
    const stream = resourcesOfType(template, 'AWS::Kinesis::Stream').Events;

    // Act
    const mapping = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')).find((m) => m.Properties?.StartingPosition);

    // Assess
    expect(mapping?.Properties?.MaximumRecordAgeInSeconds as number).toBeLessThan((stream?.Properties?.RetentionPeriodHours as number) * 3600);
  });

  it('passes the profiles table, the intents queue and its own DLQ to process-events', () => {
    // Prepare
    const fn = template.toJSON().Resources.ProcessEventsFunction;

    // Act
    const variables = fn.Properties.Environment.Variables;

    // Assess
    expect(variables).toMatchObject({
      PROFILES_TABLE_NAME: { Ref: 'Profiles' },
      INTENTS_QUEUE_URL: { Ref: 'Intents' },
      EVENTS_DLQ_URL: { Ref: 'EventsDlq' },
    });
  });

  it('may only add and read consent receipts, never change or delete one, and gets the tracking policy', () => {
    // Prepare
    const allowed = allowedActionsOf(template, 'ProcessEventsFunction');
    const variables = template.toJSON().Resources.ProcessEventsFunction.Properties.Environment.Variables;

    // Act
    const onConsents = [...allowed.entries()].filter(([, on]) => JSON.stringify(on).includes('"Consents"')).map(([action]) => action);

    // Assess
    // Query: an identity merge copies the device's receipts to the user's history; still no update or delete.
    expect(onConsents.sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    expect(variables).toMatchObject({ CONSENTS_TABLE_NAME: { Ref: 'Consents' }, TRACKING_CONSENT: 'opt-in' });
    expect(variables.TRACKING_CONSENT_BY_REGION).toBeUndefined();
  });

  it('creates EventsDlq encrypted, SSL-only and keeping messages for 14 days', () => {
    // Prepare
    const queue = resourcesOfType(template, 'AWS::SQS::Queue').EventsDlq;

    // Act
    const properties = queue?.Properties;

    // Assess
    expect(properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: 'EventsDlq' }],
      PolicyDocument: { Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    });
  });

  it('lets process-events read the stream, read and write Profiles, read Campaigns, arm Timers, attribute rollout and funnel outcomes, and send to Intents and EventsDlq only', () => {
    // Prepare
    const allowed = allowedActionsOf(template, 'ProcessEventsFunction');

    // Act
    const byService = (service: string) => [...allowed.entries()].filter(([action]) => action.startsWith(`${service}:`));

    // Assess
    for (const [, resources] of byService('kinesis')) expect(resources).toEqual([arnOf('Events')]);
    const tablesOf = (action: string) => (allowed.get(action) ?? []).map((r) => JSON.stringify(r)).sort();
    const arns = (...tables: string[]) => tables.map((t) => JSON.stringify(arnOf(t))).sort();
    expect(tablesOf('dynamodb:UpdateItem')).toEqual(arns('Profiles', 'Experiments', 'Kpis'));
    expect(tablesOf('dynamodb:Scan')).toEqual(arns('Profiles', 'Campaigns'));
    expect(tablesOf('dynamodb:PutItem')).toEqual(arns('Profiles', 'Timers', 'Kpis', 'Consents'));
    expect(tablesOf('dynamodb:DeleteItem')).toEqual(arns('Profiles', 'Timers'));
    expect(tablesOf('dynamodb:Query')).toEqual(arns('Profiles', 'Experiments', 'Kpis', 'Timers', 'Consents'));
    expect(JSON.stringify(byService('dynamodb'))).not.toContain('/index/');
    expect(allowed.get('sqs:SendMessage')).toEqual(expect.arrayContaining([arnOf('Intents'), arnOf('EventsDlq')]));
    const queues = [JSON.stringify(arnOf('Intents')), JSON.stringify(arnOf('EventsDlq'))];
    for (const [, resources] of byService('sqs')) expect(resources.filter((r) => !queues.includes(JSON.stringify(r)))).toEqual([]);
    expect(allowed.has('kinesis:PutRecords')).toBe(false);
    expect(byService('sns')).toEqual([]);
    expect(allowed.has('sqs:ReceiveMessage')).toBe(false);
  });
});
