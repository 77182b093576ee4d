import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { grantTableActions } from '../grant-table-actions';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { DELIVER_CONFIG } from '../../layers/runtime/function-configs';

/** Receives after which an intent moves to `IntentsDlq`. */
export const INTENTS_MAX_RECEIVE_COUNT = 5;

/** Timeout of the deliver function; the `Intents` visibility timeout is six times this. */
export const DELIVER_TIMEOUT = Duration.seconds(30);

/** `POWERTOOLS_SERVICE_NAME` of deliver: the `service` dimension of its metrics (`Deliveries`, `CampaignSent`, ...). */
export const DELIVER_SERVICE_NAME = 'deliver';

/** Props of {@link Messaging}. */
export interface MessagingProps {
  /** Read for consent and the push endpoint. */
  readonly profilesTable: dynamodb.ITable;
  /** The key addresses are sealed under: deliver is the one function that may decrypt them. */
  readonly fieldKey: kms.IKey;
  /** Read and written: the ledger (claim of each message id, caps) and the global rate-limit buckets. */
  readonly messagesTable: dynamodb.ITable;
  /** Read (behind a cache): each intent's campaign must still be active, and gives its content. */
  readonly campaignsTable: dynamodb.ITable;
  /** Written: a send deferred by quiet hours is armed as a timer. */
  readonly timersTable: dynamodb.ITable;
  /** Read for a rollout's exposure (behind the campaign cache's TTL); written: exposures and their arm counters. */
  readonly experimentsTable: dynamodb.ITable;
  /** In-app messages are written here (PutItem). */
  readonly inboxTable: dynamodb.ITable;
  /** Written: each final decision's funnel counters and touch, in the decision's transaction. */
  readonly kpisTable: dynamodb.ITable;
  /** deliver's delivery-policy variables (`QUIET_HOURS`, caps, rates; see `PipelineConfig.deliverySettings`). */
  readonly deliverySettings: Readonly<Record<string, string>>;
  /** `CAMPAIGN_CACHE_TTL_SECONDS`. */
  readonly campaignCacheEnvironment: Readonly<Record<string, string>>;
  /** Log settings of the function. */
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Delivery: the `Intents` queue (and `IntentsDlq`), the deliver function consuming it (push to
 * platform endpoints and SMS through SNS), and the topics `DeliveryEvents` (one outcome per intent)
 * and `Alerts` (operational alarms).
 */
export class Messaging extends Construct {
  /** `Intents`: due intents from process-events; redrives to `IntentsDlq` after {@link INTENTS_MAX_RECEIVE_COUNT} receives. */
  readonly intentsQueue: sqs.IQueue;
  /** `IntentsDlq`. */
  readonly intentsDlq: sqs.IQueue;
  /** The deliver function (`functions/messaging/deliver.handler.ts`); other constructs add what it serves from. */
  readonly deliverFunction: lambda.Function;
  /** `DeliveryEvents`: sent / suppressed outcomes. */
  readonly deliveryEventsTopic: sns.ITopic;
  /** `Alerts`: where alarms notify; subscribe the on-call channel to it. */
  readonly alertsTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);

    const intentsDlq = createDeadLetterQueue(this, 'IntentsDlq', props.functionDefaults.deadLetterRetention);
    const intents = pinLogicalId(
      new sqs.Queue(this, 'Intents', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // AWS's guidance for Lambda consumers: at least six times the function timeout, so a message
        // is not redelivered while a throttled or retried invocation still holds it.
        visibilityTimeout: Duration.seconds(DELIVER_TIMEOUT.toSeconds() * 6),
        deadLetterQueue: { queue: intentsDlq, maxReceiveCount: INTENTS_MAX_RECEIVE_COUNT },
      }),
      'Intents',
    );
    this.intentsQueue = intents;
    this.intentsDlq = intentsDlq;

    // The AWS managed key (aws/sns): outcomes name users, so encrypt at rest; the publisher is in this
    // account, for which the managed key's policy already allows use through SNS.
    const deliveryEvents = pinLogicalId(
      new sns.Topic(this, 'DeliveryEvents', {
        enforceSSL: true,
        masterKey: kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
      }),
      'DeliveryEvents',
    );
    // Not encrypted: CloudWatch alarms cannot publish to a topic under the AWS managed key, and alarm
    // notifications carry alarm names and metric values only, nothing a customer key would protect.
    const alerts = pinLogicalId(new sns.Topic(this, 'Alerts', { enforceSSL: true }), 'Alerts');
    this.deliveryEventsTopic = deliveryEvents;
    this.alertsTopic = alerts;

    const fn = pinLogicalId(
      createFunction(this, 'DeliverFunction', {
        ...props.functionDefaults,
        config: DELIVER_CONFIG,
        entry: 'functions/messaging/deliver.handler.ts',
        serviceName: DELIVER_SERVICE_NAME,
        description: 'Checks eligibility (consent, quiet hours, caps), claims the message id and sends the push or SMS under the global rate',
        timeout: DELIVER_TIMEOUT,
        environment: {
          PROFILES_TABLE_NAME: props.profilesTable.tableName,
          MESSAGES_TABLE_NAME: props.messagesTable.tableName,
          CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName,
          TIMERS_TABLE_NAME: props.timersTable.tableName,
          EXPERIMENTS_TABLE_NAME: props.experimentsTable.tableName,
          INBOX_TABLE_NAME: props.inboxTable.tableName,
          KPIS_TABLE_NAME: props.kpisTable.tableName,
          DELIVERY_EVENTS_TOPIC_ARN: deliveryEvents.topicArn,
          FIELD_KEY_ARN: props.fieldKey.keyArn,
          ...props.deliverySettings,
          ...props.campaignCacheEnvironment,
        },
      }),
      'DeliverFunction',
    );
    fn.addEventSource(new SqsEventSource(intents, { batchSize: 10, reportBatchItemFailures: true }));
    props.profilesTable.grantReadData(fn);
    props.fieldKey.grant(fn, 'kms:Decrypt');
    props.messagesTable.grantReadWriteData(fn);
    // DynamoCampaignStore.active (a consistent Scan) and DynamoTimerStore.apply (conditional Put and Delete).
    grantTableActions(props.campaignsTable, fn, ['dynamodb:Scan', 'dynamodb:GetItem']);
    grantTableActions(props.timersTable, fn, ['dynamodb:PutItem', 'dynamodb:DeleteItem']);
    // DynamoExperimentStore: exposureOf (GetItem), recordExposure (a transaction of Put + Update, then Update).
    grantTableActions(props.experimentsTable, fn, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    grantTableActions(props.inboxTable, fn, ['dynamodb:PutItem']);
    // DynamoMessageLog with the Kpis table: counter Updates, touch Puts (and Deletes, a send given back) in its transactions.
    grantTableActions(props.kpisTable, fn, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    deliveryEvents.grantPublish(fn);

    // Push goes to platform endpoints (one per device, created at registration time), which no grant
    // method covers and which cannot be listed in advance: allow sns:Publish on endpoints only.
    const platformEndpoints = Stack.of(this).formatArn({
      service: 'sns',
      resource: 'endpoint',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const pushPolicy = new iam.Policy(this, 'DeliverPushPolicy', {
      roles: [roleOf(fn)],
      statements: [new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [platformEndpoints] })],
    });
    // SMS is published to a phone number, which is not an ARN: IAM can only express it as `*`. That
    // also covers endpoints; DeliverPushPolicy stays so a deployment that removes SMS keeps the narrow grant.
    const smsPolicy = new iam.Policy(this, 'DeliverSmsPolicy', {
      roles: [roleOf(fn)],
      statements: [new iam.PolicyStatement({ actions: ['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] })],
    });
    // The event source mapping may invoke as soon as the function exists: not before it may send.
    fn.node.addDependency(pushPolicy, smsPolicy);
    acknowledgeNagFinding(
      smsPolicy,
      'AwsSolutions-IAM5[Resource::*]',
      'sns:Publish with PhoneNumber (direct SMS) and sns:CheckIfPhoneNumberIsOptedOut have no resource type in IAM: AWS documents Resource "*" as the only form. The statement is limited to these two actions; topic publishes are granted separately on the DeliveryEvents topic ARN.',
    );
    // Acknowledged on this one-statement policy, so the acknowledgement cannot cover anything else.
    acknowledgeNagFinding(
      pushPolicy,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:endpoint/*]',
      'sns:Publish to mobile push platform endpoints of this account and region: endpoint ARNs are created per device at registration and cannot be enumerated at deploy time. The wildcard is limited to the endpoint resource type (not topics) and to the one action.',
    );
    this.deliverFunction = fn;
  }
}

const roleOf = (fn: lambda.IFunction): iam.IRole => {
  if (!fn.role) throw new Error(`${fn.node.path} has no execution role`);
  return fn.role;
};
