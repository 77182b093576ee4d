import { Match } from 'aws-cdk-lib/assertions';
import { ENTRY_METADATA_KEY } from '../../../infra/create-function';
import { allowedActionsOf, arnOf, resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources;

const PERSONALIZE = {
  'pipeline:personalizeDatasetArn': 'arn:aws:personalize:eu-west-1:123456789012:dataset/shop/INTERACTIONS',
  'pipeline:personalizeSolutionArn': 'arn:aws:personalize:eu-west-1:123456789012:solution/related-items',
  'pipeline:personalizeCampaignArn': 'arn:aws:personalize:eu-west-1:123456789012:campaign/related-items',
  'pipeline:personalizeRoleArn': 'arn:aws:iam::123456789012:role/personalize-reads-models',
};

/** State names of a synthesized state machine definition (Fn::Join of strings and tokens). */
const statesOf = (machine: { Properties: { DefinitionString: unknown } }): string[] => {
  const joined = machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '"TOKEN"')).join('');
  return [...text.matchAll(/"([A-Za-z]+)":\{"(?:Type|Next|End|Resource|Parameters|Choices|Branches|Seconds|SecondsPath)"/g)].map((m) => m[1]!);
};

describe('Recommendations', () => {
  it('keeps models, the archive and training state in one private, encrypted, TLS-only bucket', () => {
    // Prepare
    const bucket = resources.Models;

    // Act
    const properties = bucket.Properties;

    // Assess
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'Models' },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('archives to archive/ as gzip through a Direct PUT stream process-events alone may put to, in batches', () => {
    // Prepare
    const stream = resources.EventsArchive;

    // Act
    const properties = stream.Properties;

    // Assess
    expect(properties.DeliveryStreamType).toBe('DirectPut');
    expect(properties.KinesisStreamSourceConfiguration).toBeUndefined();
    expect(properties.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    expect(properties.ExtendedS3DestinationConfiguration).toMatchObject({ BucketARN: arnOf('Models'), Prefix: 'archive/', CompressionFormat: 'GZIP' });
    // The lines come newline-terminated from process-events: no delimiter processor.
    expect(properties.ExtendedS3DestinationConfiguration.ProcessingConfiguration).toBeUndefined();
    const putters = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).filter((id) =>
      [...allowedActionsOf(template, id)].some(([action, on]) => action.startsWith('firehose:Put') && JSON.stringify(on).includes('"EventsArchive"')),
    );
    expect(putters).toEqual(['ProcessEventsFunction']);
    expect([...allowedActionsOf(template, 'ProcessEventsFunction').keys()].filter((a) => a.startsWith('firehose:'))).toEqual(['firehose:PutRecordBatch']);
    expect(template.toJSON().Mappings ?? {}).toEqual({});
  });

  it('starts RetrainModel every day at 03:00 UTC by default, through a DLQ-backed schedule', () => {
    // Prepare
    const schedule = resources.RetrainModelSchedule;

    // Act
    const properties = schedule.Properties;

    // Assess
    expect(properties).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'UTC', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(properties.Target).toMatchObject({ Arn: { Ref: 'RetrainModel' }, DeadLetterConfig: { Arn: arnOf('RetrainModelScheduleDlq') } });
  });

  it('runs the gate, then the built-in model, and alerts on failure; traced and logged', () => {
    // Prepare
    const machine = resources.RetrainModel;

    // Act
    const states = statesOf(machine);

    // Assess
    expect(states).toEqual(expect.arrayContaining(['CheckGate', 'EnoughNewInteractions', 'Retrain', 'TrainBuiltinModel', 'PromoteBuiltinModel', 'AlertRetrainingFailed', 'RetrainingFailed', 'Skipped']));
    expect(states).not.toContain('ExportForPersonalize');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('adds the Personalize branch, with least-privilege Personalize permissions, only when Personalize is configured', () => {
    // Prepare
    const configured = synthPipeline({ context: PERSONALIZE }).template;

    // Act
    const machine = configured.toJSON().Resources.RetrainModel;
    const allowed = allowedActionsOf(configured, 'RetrainModelFunction');

    // Assess
    expect(statesOf(machine)).toEqual(expect.arrayContaining(['ExportForPersonalize', 'StartPersonalizeImport', 'WaitForPersonalizeImport', 'StartPersonalizeTraining', 'ComparePersonalizeVersion', 'DeployPersonalizeVersion']));
    expect(allowed.get('personalize:UpdateCampaign')).toEqual([PERSONALIZE['pipeline:personalizeCampaignArn']]);
    expect(allowed.get('personalize:CreateSolutionVersion')).toEqual([PERSONALIZE['pipeline:personalizeSolutionArn']]);
    expect(allowed.get('iam:PassRole')).toEqual([PERSONALIZE['pipeline:personalizeRoleArn']]);
    expect(configured.toJSON().Resources.RetrainModelFunction.Properties.Environment.Variables).toMatchObject({
      PERSONALIZE_CAMPAIGN_ARN: PERSONALIZE['pipeline:personalizeCampaignArn'],
    });
  });

  it('lets retrain-model read the bucket and write models, training state and the Personalize export only', () => {
    // Prepare
    const allowed = allowedActionsOf(template, 'RetrainModelFunction');

    // Act
    const s3 = [...allowed.entries()].filter(([action]) => action.startsWith('s3:'));

    // Assess
    expect(s3.map(([action]) => action).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(JSON.stringify(allowed.get('s3:PutObject'))).toMatch(/models\/\*.*training\/\*.*personalize\/\*/);
    expect([...allowed.keys()].some((a) => a.startsWith('personalize:'))).toBe(false);
    expect(resources.RetrainModelFunction.Metadata[ENTRY_METADATA_KEY]).toBe('functions/recommendations/retrain-model.handler.ts');
  });

  it('lets deliver read model artifacts (models/ only) and, when configured, ask the Personalize campaign', () => {
    // Prepare
    const configured = synthPipeline({ context: PERSONALIZE }).template;

    // Act
    const plain = allowedActionsOf(template, 'DeliverFunction');
    const withPersonalize = allowedActionsOf(configured, 'DeliverFunction');

    // Assess
    expect(JSON.stringify(plain.get('s3:GetObject'))).toContain('/models/*');
    expect(plain.has('s3:PutObject')).toBe(false);
    expect(plain.has('personalize:GetRecommendations')).toBe(false);
    expect(withPersonalize.get('personalize:GetRecommendations')).toEqual([PERSONALIZE['pipeline:personalizeCampaignArn']]);
    expect(resources.DeliverFunction.Properties.Environment.Variables.MODELS_BUCKET_NAME).toEqual({ Ref: 'Models' });
  });

  it('lets process-events send interactions to the Personalize event tracker only when one is configured', () => {
    // Prepare
    const tracker = { 'pipeline:personalizeTrackingId': 'a1b2c3d4-tracking', 'pipeline:personalizeEventTrackerArn': 'arn:aws:personalize:us-east-1:123456789012:event-tracker/shop' };
    const configured = synthPipeline({ context: tracker }).template;

    // Act
    const plain = allowedActionsOf(template, 'ProcessEventsFunction');
    const withTracker = allowedActionsOf(configured, 'ProcessEventsFunction');

    // Assess
    expect(plain.has('personalize:PutEvents')).toBe(false);
    expect(withTracker.get('personalize:PutEvents')).toEqual([tracker['pipeline:personalizeEventTrackerArn']]);
    expect(configured.toJSON().Resources.ProcessEventsFunction.Properties.Environment.Variables.PERSONALIZE_TRACKING_ID).toBe('a1b2c3d4-tracking');
    expect(() => synthPipeline({ context: { 'pipeline:personalizeTrackingId': 'a1b2c3d4-tracking' } })).toThrow(/pipeline:personalizeEventTrackerArn/);
  });

  it('alarms on failed retraining executions', () => {
    // Prepare
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));

    // Act
    const failed = alarms.filter((a) => JSON.stringify(a.Properties?.Metrics ?? '').includes('ExecutionsFailed') && JSON.stringify(a.Properties).includes('RetrainModel'));

    // Assess
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed[0]?.Properties)).toContain('RetrainModel');
  });
});
