import { EVENTS_TABLE, DECISIONS_TABLE } from '../../../infra/analytics/tables';
import { readQueryFiles, renderQuery } from '../../../infra/analytics/render-query';
import { ANALYTICS_FIRST_DAY } from '../../../infra/constructs/analytics';
import { arnOf, resourcesOfType, type Statement, synthPipeline } from '../synth-pipeline';

const { template, stack } = synthPipeline();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const database = resources.AnalyticsDatabase!.Properties.DatabaseInput.Name as string;

describe('Analytics', () => {
  it('exports every delivery outcome: DeliveryEvents → raw SNS messages → Firehose → decisions/ of the archive bucket', () => {
    // Prepare
    const subscription = resources.DecisionsSubscription!.Properties;
    const stream = resources.DecisionsExport!.Properties;

    // Act
    const destination = stream.ExtendedS3DestinationConfiguration;

    // Assess
    expect(subscription).toMatchObject({ Protocol: 'firehose', RawMessageDelivery: true, TopicArn: { Ref: 'DeliveryEvents' }, Endpoint: arnOf('DecisionsExport') });
    expect(stream).toMatchObject({ DeliveryStreamType: 'DirectPut', DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' } });
    expect(destination).toMatchObject({ BucketARN: arnOf('Models'), Prefix: 'decisions/', CompressionFormat: 'GZIP' });
    // SNS ends each message it delivers to Firehose with a newline: no delimiter processor of our own.
    expect(destination.ProcessingConfiguration).toBeUndefined();
    expect(resources.EventsArchive!.Properties.ExtendedS3DestinationConfiguration.Prefix).toBe(EVENTS_TABLE.prefix);
  });

  it('lets SNS, and only SNS, put records into that stream and nothing else', () => {
    // Prepare
    const roleArn = resources.DecisionsSubscription!.Properties.SubscriptionRoleArn as { 'Fn::GetAtt': [string, string] };
    const role = resources[roleArn['Fn::GetAtt'][0]]!.Properties;

    // Act
    const statements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleArn['Fn::GetAtt'][0] }]))
      .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);

    // Assess
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' } }]);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['firehose:DescribeDeliveryStream', 'firehose:ListDeliveryStreams', 'firehose:ListTagsForDeliveryStream', 'firehose:PutRecord', 'firehose:PutRecordBatch'],
        Resource: arnOf('DecisionsExport'),
      },
    ]);
  });

  it.each([
    ['AnalyticsEventsTable', EVENTS_TABLE],
    ['AnalyticsDecisionsTable', DECISIONS_TABLE],
  ])('%s reads the Firehose objects with the OpenX JSON SerDe, partitioned by day with projection', (logicalId, table) => {
    // Act
    const input = resources[logicalId]!.Properties.TableInput;

    // Assess
    expect(resources[logicalId]!.Properties.DatabaseName).toEqual({ Ref: 'AnalyticsDatabase' });
    expect(input.Name).toBe(table.name);
    expect(input.PartitionKeys.map((key: { Name: string; Type: string }) => [key.Name, key.Type])).toEqual([
      ['day', 'string'],
      ['hour', 'int'],
    ]);
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy/MM/dd',
      'projection.day.range': `${ANALYTICS_FIRST_DAY},NOW`,
      'projection.day.interval.unit': 'DAYS',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      'storage.location.template': { 'Fn::Join': ['', ['s3://', { Ref: 'Models' }, `/${table.prefix}\${day}/\${hour}/`]] },
    });
    expect(input.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: 'Models' }, `/${table.prefix}`]] });
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(input.StorageDescriptor.Columns.map((column: { Name: string }) => column.Name)).toEqual(table.columns.map((column) => column.key.toLowerCase()));
  });

  it('runs queries in a workgroup that enforces encrypted results in its own bucket, engine 3, with a scan cutoff', () => {
    // Act
    const workGroup = resources.AnalyticsWorkGroup!.Properties;

    // Assess
    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      ResultConfiguration: {
        EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: 'AnalyticsResults' }, '/results/']] },
      },
    });
    expect(workGroup.WorkGroupConfiguration.BytesScannedCutoffPerQuery).toBeGreaterThan(0);
    expect(resources.AnalyticsResults!.Properties.BucketEncryption).toBeDefined();
  });

  it('stores one named query per query file, its tables in the database and its parameters as ?', () => {
    // Prepare
    const files = readQueryFiles();

    // Act
    const named = Object.values(resourcesOfType(template, 'AWS::Athena::NamedQuery')).map((query) => query.Properties!);

    // Assess
    expect(files.map((file) => file.name)).toEqual(expect.arrayContaining(['funnel', 'daily-behaviour']));
    expect(named.map((query) => query.Name).sort()).toEqual(files.map((file) => file.name).sort());
    for (const file of files) {
      const query = named.find((candidate) => candidate.Name === file.name)!;
      expect(query).toMatchObject({ Database: { Ref: 'AnalyticsDatabase' }, WorkGroup: { Ref: 'AnalyticsWorkGroup' } });
      const tables = { events: `"${database}"."events"`, decisions: `"${database}"."decisions"` };
      expect(query.QueryString).toBe(renderQuery(file.sql, { tables, style: 'positional' }).sql);
      expect(query.QueryString).not.toMatch(/^[^-]*\{\{/m);
    }
    expect(named.find((query) => query.Name === 'funnel')!.QueryString).toContain(`FROM "${database}"."decisions"`);
  });

  it('names the database after the stack', () => {
    expect(database).toBe(`${stack.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_analytics`);
  });
});
