import { ArnFormat, Duration, Stack, type RemovalPolicy, type TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DAILY_REVIEW_CONFIG, DELIVERY_STATUS_CONFIG, KPI_MONITOR_CONFIG } from '../../layers/runtime/function-configs';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { createFunction, type FunctionDefaults } from '../create-function';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { scheduleFunction, type RetryBudget } from '../schedule-function';

/** The monitor's service name: its metrics (the campaigns' 24-hour rates) carry it as `service`. */
export const KPI_MONITOR_SERVICE_NAME = 'kpi-monitor';

/** Scheduler's retries of an invocation Lambda did not accept: the next hourly check is as good after an hour. */
const MONITOR_DELIVERY_RETRY: RetryBudget = { attempts: 3, maxEventAge: Duration.hours(1) };
/** A failed check is repeated by the next one: no retry, no DLQ entry. */
const MONITOR_RUN_RETRY: RetryBudget = { attempts: 0, maxEventAge: Duration.hours(1) };
/** The review is worth delivering late the same morning, and a failed one is retried twice. */
const REVIEW_RETRY: RetryBudget = { attempts: 2, maxEventAge: Duration.hours(3) };

/** Props of {@link Measurement}. */
export interface MeasurementProps {
  /** Read: counters, behaviour and feedback; written: alert claims. */
  readonly kpisTable: dynamodb.ITable;
  /** Read: which campaigns exist, their names and goals. */
  readonly campaignsTable: dynamodb.ITable;
  /** Where the reviews are written (`reviews/<day>.html`), next to the rollout reports. */
  readonly reportsBucket: s3.IBucket;
  /** Where campaign anomalies are published. */
  readonly alertsTopic: sns.ITopic;
  /** The reporting time zone and hour of the daily review. */
  readonly review: { readonly timeZone: TimeZone; readonly hour: number; readonly emails: readonly string[] };
  /** `KPI_COSTS`. */
  readonly costs: string;
  /**
   * SNS delivery status logs to count `delivered` from: SMS always, and mobile push of these platform
   * applications (`GCM/shop-app`, `APNS/shop-app`). `create`: the stack makes the log groups SNS writes
   * to; `existing`: SNS made them already (it creates them on its first log), the stack subscribes.
   */
  readonly deliveryStatus: { readonly logGroups: 'create' | 'existing'; readonly pushApplications: readonly string[]; readonly retention: logs.RetentionDays; readonly removalPolicy: RemovalPolicy };
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Measurement beyond the counters: kpi-monitor (hourly, a campaign's conversion or CTR dropping 20% →
 * `Alerts`), daily-review (every day at the configured hour in the reporting time zone → an HTML page in
 * `Reports` and a summary on the `Reviews` topic people subscribe to by email), their EventBridge
 * Scheduler schedules and `MeasurementScheduleDlq`.
 */
export class Measurement extends Construct {
  readonly kpiMonitorFunction: lambda.IFunction;
  readonly dailyReviewFunction: lambda.IFunction;
  /** `Reviews`: the daily review's summary and link. */
  readonly reviewsTopic: sns.ITopic;
  readonly scheduleDlq: sqs.IQueue;
  readonly deliveryStatusFunction: lambda.IFunction;
  /** `DeliveryStatusDlq`: delivery status batches that could not be counted after Lambda's retries. */
  readonly deliveryStatusDlq: sqs.IQueue;
  /** The role SNS writes delivery status logs with (set it on SMS and on the platform applications). */
  readonly snsDeliveryStatusRole: iam.IRole;

  constructor(scope: Construct, id: string, props: MeasurementProps) {
    super(scope, id);
    const dlq = createDeadLetterQueue(this, 'MeasurementScheduleDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(
      dlq,
      'AwsSolutions-SQS3',
      'MeasurementScheduleDlq is itself a dead-letter queue: the DeadLetterConfig of the KpiMonitor and DailyReview schedule targets and the on-failure destination of daily-review. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.',
    );
    this.scheduleDlq = dlq;
    const reviews = pinLogicalId(new sns.Topic(this, 'Reviews', { enforceSSL: true, displayName: 'Daily campaign review' }), 'Reviews');
    for (const email of props.review.emails) reviews.addSubscription(new subscriptions.EmailSubscription(email));
    this.reviewsTopic = reviews;

    const monitor = pinLogicalId(
      createFunction(this, 'KpiMonitorFunction', {
        ...props.functionDefaults,
        config: KPI_MONITOR_CONFIG,
        entry: 'functions/measurement/kpi-monitor.handler.ts',
        serviceName: KPI_MONITOR_SERVICE_NAME,
        description: 'Hourly: alerts when a campaign’s conversion or CTR over 24 h drops 20% against its 7 days before',
        timeout: Duration.minutes(1),
        environment: { KPIS_TABLE_NAME: props.kpisTable.tableName, CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName, ALERTS_TOPIC_ARN: props.alertsTopic.topicArn },
      }),
      'KpiMonitorFunction',
    );
    // DynamoKpiStore.counters (Query), claimAlert (conditional PutItem); DynamoCampaignStore.active (Scan).
    grantTableActions(props.kpisTable, monitor, ['dynamodb:Query', 'dynamodb:PutItem']);
    grantTableActions(props.campaignsTable, monitor, ['dynamodb:Scan']);
    props.alertsTopic.grantPublish(monitor);
    this.kpiMonitorFunction = monitor;

    const review = pinLogicalId(
      createFunction(this, 'DailyReviewFunction', {
        ...props.functionDefaults,
        config: DAILY_REVIEW_CONFIG,
        entry: 'functions/measurement/daily-review.handler.ts',
        serviceName: 'daily-review',
        description: 'Daily: yesterday’s campaigns against the day before, the 7-day average and their goals, lift, ROI, behaviour and feedback',
        timeout: Duration.minutes(2),
        memorySize: 512,
        environment: {
          KPIS_TABLE_NAME: props.kpisTable.tableName,
          CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName,
          REPORTS_BUCKET_NAME: props.reportsBucket.bucketName,
          REVIEWS_TOPIC_ARN: reviews.topicArn,
          KPI_TIME_ZONE: props.review.timeZone.timezoneName,
          KPI_COSTS: props.costs,
        },
      }),
      'DailyReviewFunction',
    );
    grantTableActions(props.kpisTable, review, ['dynamodb:Query']);
    grantTableActions(props.campaignsTable, review, ['dynamodb:Scan']);
    review.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [props.reportsBucket.arnForObjects('reviews/*')] }));
    acknowledgeNagFinding(
      review.role!,
      'AwsSolutions-IAM5[Resource::<Reports.Arn>/reviews/*]',
      'daily-review writes reviews/<day>.html, one per day: the keys cannot be listed at deploy time. Put only, that prefix only.',
    );
    reviews.grantPublish(review);
    this.dailyReviewFunction = review;

    [this.deliveryStatusFunction, this.deliveryStatusDlq, this.snsDeliveryStatusRole] = this.countDeliveryStatus(props);

    scheduleFunction(this, 'KpiMonitorSchedule', {
      fn: monitor,
      description: 'Runs kpi-monitor every hour',
      expression: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      deliveryRetry: MONITOR_DELIVERY_RETRY,
      runRetry: MONITOR_RUN_RETRY,
      dlq,
      failedRunsToDlq: false,
    });
    scheduleFunction(this, 'DailyReviewSchedule', {
      fn: review,
      description: `Runs daily-review every day at ${String(props.review.hour).padStart(2, '0')}:00 ${props.review.timeZone.timezoneName}`,
      expression: scheduler.ScheduleExpression.cron({ minute: '0', hour: String(props.review.hour), timeZone: props.review.timeZone }),
      deliveryRetry: REVIEW_RETRY,
      runRetry: REVIEW_RETRY,
      dlq,
    });
  }

  /**
   * SNS delivery status → `delivered`: the delivery-status function, subscribed to the log groups SNS
   * writes SMS and push delivery status to, and the role SNS writes them with. SNS's logging itself is
   * an account setting (SMS) and a platform application setting (push): docs/measurement.md says how.
   */
  private countDeliveryStatus(props: MeasurementProps): [lambda.IFunction, sqs.IQueue, iam.IRole] {
    const dlq = createDeadLetterQueue(this, 'DeliveryStatusDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(dlq, 'AwsSolutions-SQS3', 'DeliveryStatusDlq is itself a dead-letter queue: the on-failure destination of delivery-status, which CloudWatch Logs invokes asynchronously.');
    const fn = pinLogicalId(
      createFunction(this, 'DeliveryStatusFunction', {
        ...props.functionDefaults,
        config: DELIVERY_STATUS_CONFIG,
        entry: 'functions/measurement/delivery-status.handler.ts',
        serviceName: 'delivery-status',
        description: 'Counts SNS delivery status (SMS and push) as delivered or failed in the campaign funnel',
        timeout: Duration.seconds(30),
        environment: { KPIS_TABLE_NAME: props.kpisTable.tableName },
      }),
      'DeliveryStatusFunction',
    );
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(dlq) });
    // DynamoKpiStore.recordDeliveryStatus: GetItem, then a transaction of two Updates.
    grantTableActions(props.kpisTable, fn, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);

    const stack = Stack.of(this);
    const base = `sns/${stack.region}/${stack.account}`;
    const groups = ['DirectPublishToPhoneNumber', ...props.deliveryStatus.pushApplications.map((app) => `app/${app}`)].flatMap((name) => [`${base}/${name}`, `${base}/${name}/Failure`]);
    groups.forEach((logGroupName, index) => {
      const group =
        props.deliveryStatus.logGroups === 'create'
          ? new logs.LogGroup(this, `SnsDeliveryStatusLogs${index}`, { logGroupName, retention: props.deliveryStatus.retention, removalPolicy: props.deliveryStatus.removalPolicy })
          : logs.LogGroup.fromLogGroupName(this, `SnsDeliveryStatusLogs${index}`, logGroupName);
      new logs.SubscriptionFilter(this, `SnsDeliveryStatusSubscription${index}`, { logGroup: group, destination: new LambdaDestination(fn), filterPattern: logs.FilterPattern.allEvents() });
    });

    // What SNS's delivery status logging needs (the policy AWS documents for it), on SNS's log groups only.
    const role = new iam.Role(this, 'SnsDeliveryStatusRole', { assumedBy: new iam.ServicePrincipal('sns.amazonaws.com'), description: 'SNS writes SMS and push delivery status logs with it' });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `sns/${stack.region}/${stack.account}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    acknowledgeNagFinding(
      role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/*]',
      'SNS names its delivery status log groups and streams itself (per platform application, per day): only the sns/<region>/<account>/ prefix can be given.',
    );
    return [fn, dlq, role];
  }
}
