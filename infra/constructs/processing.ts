import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { grantTableActions } from '../grant-table-actions';
import { PROCESS_EVENTS_CONFIG } from '../../layers/runtime/function-configs';

/** `POWERTOOLS_SERVICE_NAME` of process-events: the `service` dimension of its metrics (`CampaignOpened`, `CampaignConverted`, ...). */
export const PROCESS_EVENTS_SERVICE_NAME = 'process-events';

/** Props of {@link Processing}. */
export interface ProcessingProps {
  /** The stream process-events consumes. */
  readonly eventsStream: kinesis.IStream;
  /** Read and written: one conditional write per user per batch. */
  readonly profilesTable: dynamodb.ITable;
  /** Read (behind a cache) for the active campaigns whose triggers each event is matched against. */
  readonly campaignsTable: dynamodb.ITable;
  /** Written: delayed triggers armed, moved or cancelled by events. */
  readonly timersTable: dynamodb.ITable;
  /** Read (the user's exposures) and written (conversions, clicks and their arm counters) for rollouts. */
  readonly experimentsTable: dynamodb.ITable;
  /** Read (the user's touches) and written (opens, orders and their funnel counters) for every campaign's funnel. */
  readonly kpisTable: dynamodb.ITable;
  /** Written, PutItem only: the append-only consent receipts. */
  readonly consentsTable: dynamodb.ITable;
  /** Written (PutRecordBatch only): the accepted events, before the profile write. */
  readonly eventsArchive: firehose.IDeliveryStream;
  /** `TRACKING_CONSENT` and `TRACKING_CONSENT_BY_REGION`, when configured. */
  readonly trackingEnvironment: Readonly<Record<string, string>>;
  /** The key addresses are sealed under: process-events may generate data keys, never decrypt. */
  readonly fieldKey: kms.IKey;
  /** Where due intents are sent. */
  readonly intentsQueue: sqs.IQueue;
  /** When set, interactions go to this Personalize event tracker as they happen (`PERSONALIZE_TRACKING_ID`). */
  readonly personalizeEvents?: { readonly trackingId: string; readonly eventTrackerArn: string };
  /** `CAMPAIGN_CACHE_TTL_SECONDS`, when configured. */
  readonly campaignCacheEnvironment: Readonly<Record<string, string>>;
  /** Retention of the stream: a failed batch must be replayed from it before it expires. */
  readonly streamRetention: Duration;
  /** Log settings of the function. */
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Stream processing: the process-events function reading `Events` in batches (bisect on error,
 * partial batch response), and `EventsDlq`, which receives both the batches Lambda gives up on and the
 * records the function itself finds undecodable or invalid.
 */
export class Processing extends Construct {
  /** The process-events function (`functions/processing/process-events.handler.ts`). */
  readonly processEventsFunction: lambda.IFunction;
  /** `EventsDlq`: failed-batch descriptors from the event source mapping, and poison records from the function. */
  readonly eventsDlq: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);

    const eventsDlq = createDeadLetterQueue(this, 'EventsDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(
      eventsDlq,
      'AwsSolutions-SQS3',
      'EventsDlq is itself a dead-letter queue: the on-failure destination of the Kinesis event source mapping and the parking place of poison records. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.',
    );
    this.eventsDlq = eventsDlq;

    const fn = pinLogicalId(
      createFunction(this, 'ProcessEventsFunction', {
        ...props.functionDefaults,
        config: PROCESS_EVENTS_CONFIG,
        entry: 'functions/processing/process-events.handler.ts',
        serviceName: PROCESS_EVENTS_SERVICE_NAME,
        description: 'Folds Events stream batches into profiles, evaluates campaign triggers, arms timers and emits due intents',
        memorySize: 1024,
        timeout: Duration.minutes(1),
        environment: {
          PROFILES_TABLE_NAME: props.profilesTable.tableName,
          INTENTS_QUEUE_URL: props.intentsQueue.queueUrl,
          EVENTS_DLQ_URL: eventsDlq.queueUrl,
          CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName,
          TIMERS_TABLE_NAME: props.timersTable.tableName,
          EXPERIMENTS_TABLE_NAME: props.experimentsTable.tableName,
          KPIS_TABLE_NAME: props.kpisTable.tableName,
          CONSENTS_TABLE_NAME: props.consentsTable.tableName,
          EVENTS_ARCHIVE_STREAM_NAME: props.eventsArchive.deliveryStreamName,
          ...props.trackingEnvironment,
          FIELD_KEY_ARN: props.fieldKey.keyArn,
          ...props.campaignCacheEnvironment,
          ...(props.personalizeEvents && { PERSONALIZE_TRACKING_ID: props.personalizeEvents.trackingId }),
        },
      }),
      'ProcessEventsFunction',
    );
    fn.addEventSource(
      new KinesisEventSource(props.eventsStream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(1),
        // One batch at a time per shard keeps each user's events in order (partition key = user).
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        // The DLQ gets a pointer to the failed records (shard and sequence numbers), not the records:
        // they must still be in the stream when someone replays them, so give up well before retention.
        maxRecordAge: maxRecordAgeFor(props.streamRetention),
        onFailure: new SqsDlq(eventsDlq),
      }),
    );
    props.profilesTable.grantReadWriteData(fn);
    // DynamoCampaignStore.active (a consistent Scan) and DynamoTimerStore.apply (conditional Put and Delete).
    grantTableActions(props.campaignsTable, fn, ['dynamodb:Scan', 'dynamodb:GetItem']);
    // Query: an identity merge moves the anonymous profile's timers (dynamo-timer-store.ts).
    grantTableActions(props.timersTable, fn, ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query']);
    // The Encryption SDK's KMS keyring encrypts with GenerateDataKey alone; without Decrypt the function cannot read an address back.
    props.fieldKey.grant(fn, 'kms:GenerateDataKey');
    // DynamoExperimentStore: exposuresOf (Query), recordOutcome (a transaction of two Updates).
    grantTableActions(props.experimentsTable, fn, ['dynamodb:Query', 'dynamodb:UpdateItem']);
    // DynamoKpiStore: touchesOf (Query), recordOpen / recordOrder (a transaction of two Updates), recordBehaviour (Update, Put).
    grantTableActions(props.kpisTable, fn, ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem']);
    // DynamoConsentReceipts.record: conditional PutItem only, so a receipt can never be changed or deleted by the pipeline.
    // Query: an identity merge copies the anonymous profile's receipts to the user's history.
    grantTableActions(props.consentsTable, fn, ['dynamodb:PutItem', 'dynamodb:Query']);
    // FirehoseEventArchive.put: PutRecordBatch only (not PutRecord), on this stream only.
    props.eventsArchive.grant(fn, 'firehose:PutRecordBatch');
    if (props.personalizeEvents) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['personalize:PutEvents'], resources: [props.personalizeEvents.eventTrackerArn] }));
    }
    props.intentsQueue.grantSendMessages(fn);
    eventsDlq.grantSendMessages(fn);
    this.processEventsFunction = fn;
  }
}

/** A quarter of the stream retention, capped at Lambda's maximum of 7 days: time left to replay. */
const maxRecordAgeFor = (retention: Duration): Duration =>
  Duration.seconds(Math.min(retention.toSeconds() / 4, Duration.days(7).toSeconds()));
