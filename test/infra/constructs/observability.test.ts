import { resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));

describe('Observability', () => {
  it('alarms when the maximum process-events iterator age exceeds the threshold', () => {
    // Prepare
    const iteratorAge = alarms.filter((a) => a.Properties?.MetricName === 'IteratorAge');

    // Act
    const properties = iteratorAge[0]?.Properties;

    // Assess
    expect(iteratorAge).toHaveLength(1);
    expect(properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ProcessEventsFunction' } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when a nightly-profiles run takes more than four fifths of its 15-minute timeout', () => {
    // Prepare
    const duration = alarms.filter((a) => a.Properties?.MetricName === 'Duration');

    // Act
    const properties = duration[0]?.Properties;

    // Assess
    expect(duration).toHaveLength(1);
    expect(properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'NightlyProfilesFunction' } }],
      Statistic: 'Maximum',
      Threshold: 12 * 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when campaign timers fire more than 5 minutes late, or the sweep stops reporting', () => {
    // Prepare
    const lag = alarms.filter((a) => a.Properties?.MetricName === 'OldestTimerDueLag');

    // Act
    const properties = lag[0]?.Properties;

    // Assess
    expect(lag).toHaveLength(1);
    expect(properties).toMatchObject({
      Namespace: 'MarketingPipeline',
      Dimensions: [{ Name: 'service', Value: 'sweep-timers' }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 5 * 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
    });
  });

  it('takes the timer lag threshold from context', () => {
    // Prepare
    const context = { 'pipeline:timerLagAlarmThresholdMinutes': '15' };

    // Act
    const configured = Object.values(resourcesOfType(synthPipeline({ context }).template, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties?.MetricName === 'OldestTimerDueLag',
    );

    // Assess
    expect(configured?.Properties?.Threshold).toBe(15 * 60_000);
  });

  it('alarms when accepted events leave their anomaly band, too few or too many, for 15 minutes', () => {
    // Prepare
    const anomaly = alarms.filter((a) => a.Properties?.ThresholdMetricId !== undefined);

    // Act
    const properties = anomaly[0]?.Properties;
    const queries = properties?.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: unknown }[];
    const byId = new Map(queries.map((q) => [q.Id, q]));

    // Assess
    expect(anomaly).toHaveLength(1);
    expect(properties).toMatchObject({
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'Alerts' }],
    });
    expect(properties).not.toHaveProperty('Threshold');
    const band = byId.get(properties?.ThresholdMetricId as string);
    expect(band).toMatchObject({ Expression: 'ANOMALY_DETECTION_BAND(m0, 2)', ReturnData: true });
    // No request in 5 minutes is a count of 0, which the model judges, not missing data.
    expect(byId.get('m0')).toMatchObject({ Expression: 'FILL(accepted, 0)', ReturnData: true });
    expect(byId.get('accepted')).toMatchObject({
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: 'MarketingPipeline', MetricName: 'EventsAccepted', Dimensions: [{ Name: 'service', Value: 'ingest' }] },
        Period: 300,
        Stat: 'Sum',
      },
    });
  });

  it.each(['EventsDlq', 'IntentsDlq', 'NightlyProfilesScheduleDlq', 'SweepTimersScheduleDlq', 'RetrainModelScheduleDlq', 'MeasurementScheduleDlq', 'DeliveryStatusDlq'])('alarms as soon as %s holds a message', (queue) => {
    // Prepare
    const depth = alarms.filter((a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible');

    // Act
    const forQueue = depth.filter((a) => JSON.stringify(a.Properties?.Dimensions).includes(`"${queue}"`));

    // Assess
    expect(forQueue).toHaveLength(1);
    expect(forQueue[0]?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms on errors of every function', () => {
    // Prepare
    const errors = alarms.filter((a) => a.Properties?.MetricName === 'Errors');

    // Act
    const functions = errors.map((a) => (a.Properties?.Dimensions as [{ Value: { Ref: string } }])[0].Value.Ref).sort();

    // Assess
    expect(functions).toEqual(['AdminApiFunction', 'BroadcastSchedulerFunction', 'BroadcastStepFunction', 'DailyReviewFunction', 'DataRequestFunction', 'DeliverFunction', 'DeliveryStatusFunction', 'InboxApiFunction', 'InboxAuthorizerFunction', 'IngestFunction', 'KpiMonitorFunction', 'NightlyProfilesFunction', 'ProcessEventsFunction', 'RetrainModelFunction', 'RolloutStepFunction', 'SweepTimersFunction']);
  });

  it('notifies the Alerts topic from every alarm', () => {
    // Prepare
    const actions = alarms.map((a) => a.Properties?.AlarmActions);

    // Act
    const distinct = [...new Set(actions.map((a) => JSON.stringify(a)))];

    // Assess
    expect(alarms.length).toBeGreaterThanOrEqual(9);
    expect(distinct).toEqual([JSON.stringify([{ Ref: 'Alerts' }])]);
  });

  it('lets CloudWatch alarms of this account publish to Alerts despite the SSL-only topic policy', () => {
    // Prepare
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));

    // Act
    const alerts = policies.find((p) => JSON.stringify(p.Properties?.Topics) === JSON.stringify([{ Ref: 'Alerts' }]));

    // Assess
    expect((alerts?.Properties?.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: { Ref: 'Alerts' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
      }),
    );
  });
});
