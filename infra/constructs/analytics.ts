import { Duration, Size, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ANALYTICS_TABLES, DECISIONS_TABLE, type AnalyticsTable } from '../analytics/tables';
import { leadingComment, readQueryFiles, renderQuery } from '../analytics/render-query';
import { createPrivateBucket } from '../create-private-bucket';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { removeFirehoseCidrMapping } from '../remove-firehose-cidr-mapping';

/** First day partition projection knows: no archive object is older (the pipeline's first release year). */
export const ANALYTICS_FIRST_DAY = '2026/01/01';

/** Athena stops a query of this workgroup after scanning this much: a runaway query costs at most about $0.50. */
export const ANALYTICS_BYTES_SCANNED_CUTOFF = Size.gibibytes(100);

/** Days query results are kept in the results bucket. */
export const ANALYTICS_RESULTS_EXPIRY = Duration.days(30);

/** Props of {@link Analytics}. */
export interface AnalyticsProps {
  /** The bucket of the events archive (`archive/`), where the decisions export (`decisions/`) goes too. */
  readonly bucket: s3.IBucket;
  /** `DeliveryEvents`: every delivery outcome, exported to `decisions/`. */
  readonly deliveryEventsTopic: sns.ITopic;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * SQL over the raw data: the Firehose stream `DecisionsExport` subscribed to DeliveryEvents (outcomes
 * to `decisions/` of the archive's bucket, laid out like the archive), a Glue database with the tables
 * `events` and `decisions` (partition projection over Firehose's `YYYY/MM/DD/HH/` keys), an Athena
 * workgroup whose results are encrypted (enforced), and one named query per file of
 * `infra/analytics/queries/`.
 */
export class Analytics extends Construct {
  /** The Glue database's name (`<stack>_analytics`). */
  readonly databaseName: string;
  /** `AnalyticsWorkGroup`. */
  readonly workGroup: athena.CfnWorkGroup;
  /** `AnalyticsResults`: query results. */
  readonly resultsBucket: s3.IBucket;
  /** `DecisionsExport`. */
  readonly decisionsExport: firehose.DeliveryStream;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.decisionsExport = this.exportDecisions(props);

    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_analytics`;
    const database = new glue.CfnDatabase(this, 'AnalyticsDatabase', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'The raw data behind every measurement: events and delivery decisions' },
    });
    database.overrideLogicalId('AnalyticsDatabase');
    for (const table of ANALYTICS_TABLES) {
      // Ref of the database is its name: the table depends on it.
      const cfn = new glue.CfnTable(this, `${capitalize(table.name)}Table`, { catalogId: stack.account, databaseName: database.ref, tableInput: tableInput(table, props.bucket) });
      cfn.overrideLogicalId(`Analytics${capitalize(table.name)}Table`);
    }

    const results = createPrivateBucket(this, 'AnalyticsResults', {
      removalPolicy: props.removalPolicy,
      lifecycleRules: [{ expiration: ANALYTICS_RESULTS_EXPIRY }],
      withoutAccessLogsBecause: 'AnalyticsResults holds Athena query results only, written by Athena for the callers of this workgroup and expiring after 30 days; the queries themselves are in the Athena history and CloudTrail.',
    });
    this.resultsBucket = results;

    const workGroup = new athena.CfnWorkGroup(this, 'AnalyticsWorkGroup', {
      name: `${stack.stackName}-analytics`,
      description: 'Funnel and behaviour queries over the events archive and the delivery decisions',
      state: 'ENABLED',
      // Deleting the stack deletes the named queries of the workgroup with it.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Callers cannot send results elsewhere or unencrypted.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: ANALYTICS_BYTES_SCANNED_CUTOFF.toBytes(),
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: results.s3UrlForObject('results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    workGroup.overrideLogicalId('AnalyticsWorkGroup');
    this.workGroup = workGroup;

    const tables = Object.fromEntries(ANALYTICS_TABLES.map((table) => [table.name, `"${this.databaseName}"."${table.name}"`]));
    for (const file of readQueryFiles()) {
      const query = new athena.CfnNamedQuery(this, `${pascal(file.name)}Query`, {
        name: file.name,
        description: leadingComment(file.sql).slice(0, 1024),
        database: database.ref,
        workGroup: workGroup.ref,
        queryString: renderQuery(file.sql, { tables, style: 'positional' }).sql,
      });
      query.overrideLogicalId(`${pascal(file.name)}Query`);
    }
  }

  /** DeliveryEvents → SNS subscription (raw messages) → Firehose → `decisions/YYYY/MM/DD/HH/` of the bucket. */
  private exportDecisions(props: AnalyticsProps): firehose.DeliveryStream {
    const stream = new firehose.DeliveryStream(this, 'DecisionsExport', {
      // A Direct PUT stream (SNS puts the records), encrypted at rest under an AWS owned key.
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(props.bucket, {
        dataOutputPrefix: DECISIONS_TABLE.prefix,
        errorOutputPrefix: 'decisions-errors/!{firehose:error-output-type}/',
        compression: firehose.Compression.GZIP,
        bufferingInterval: Duration.minutes(5),
        bufferingSize: Size.mebibytes(64),
        // No AppendDelimiterToRecord: SNS separates the messages it delivers to Firehose with a newline.
      }),
    });
    pinLogicalId(stream, 'DecisionsExport');
    removeFirehoseCidrMapping(this);
    for (const finding of ['Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Resource::<Models.Arn>/*']) {
      acknowledgeNagFinding(
        stream,
        `AwsSolutions-IAM5[${finding}]`,
        'The S3 destination role the Firehose construct grants itself (bucket.grantReadWrite): the actions Firehose needs to deliver objects with multipart uploads, on the Models bucket only.',
      );
    }

    // The role SNS assumes to put the topic's messages into the stream (AWS's documented subscription role).
    const role = new iam.Role(this, 'DecisionsSubscriptionRole', {
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com'),
      description: 'Assumed by SNS to deliver DeliveryEvents to the DecisionsExport Firehose stream',
    });
    const policy = new iam.Policy(this, 'DecisionsSubscriptionPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['firehose:DescribeDeliveryStream', 'firehose:ListDeliveryStreams', 'firehose:ListTagsForDeliveryStream', 'firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [stream.deliveryStreamArn],
        }),
      ],
    });
    const subscription = new sns.Subscription(this, 'DecisionsSubscription', {
      topic: props.deliveryEventsTopic,
      protocol: sns.SubscriptionProtocol.FIREHOSE,
      endpoint: stream.deliveryStreamArn,
      // The outcome as deliver published it, without SNS's envelope: one decision per line.
      rawMessageDelivery: true,
      subscriptionRoleArn: role.roleArn,
    });
    subscription.node.addDependency(policy);
    pinLogicalId(subscription, 'DecisionsSubscription');
    return stream;
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const pascal = (text: string) => text.split(/[^a-zA-Z0-9]+/).map(capitalize).join('');

/** A Glue table over `s3://<bucket>/<prefix>`: OpenX JSON SerDe, gzip text, partition projection on `day` and `hour`. */
const tableInput = (table: AnalyticsTable, bucket: s3.IBucket): glue.CfnTable.TableInputProperty => {
  const location = bucket.s3UrlForObject(table.prefix);
  return {
    name: table.name,
    description: table.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'json',
      compressionType: 'gzip',
      // Partitions computed from the key layout at query time: nothing to add as days go by.
      'projection.enabled': 'true',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy/MM/dd',
      'projection.day.range': `${ANALYTICS_FIRST_DAY},NOW`,
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      'storage.location.template': `${location}\${day}/\${hour}/`,
    },
    partitionKeys: [
      { name: 'day', type: 'string', comment: 'YYYY/MM/DD (UTC) of delivery to S3' },
      { name: 'hour', type: 'int', comment: 'HH (UTC) of delivery to S3' },
    ],
    storageDescriptor: {
      location,
      compressed: true,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      // OpenX: keys matched case-insensitively (insertId → insertid), nested objects read as JSON text.
      serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'case.insensitive': 'TRUE' } },
      columns: table.columns.map((column) => ({ name: column.key.toLowerCase(), type: 'string', comment: column.comment })),
    },
  };
};
