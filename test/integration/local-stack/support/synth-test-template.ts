import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { CfnTemplate } from '../../../../scripts/local-stack/provision-from-template';
import { removeFirehoseCidrMapping } from '../../../../infra/remove-firehose-cidr-mapping';

/** The API key value the test REST API declares. */
export const TEST_API_KEY = 'local-stack-test-key-0001';

/** The usage plan throttle of the test REST API. */
export const TEST_THROTTLE = { rateLimit: 1, burstLimit: 3 };

/**
 * A small stack shaped like the pipeline's, synthesized with the real CDK (no bundling): a table with
 * TTL and a GSI, a two-shard stream, a queue with a DLQ, a topic with a raw SQS subscription, a queue
 * with an explicit name, a topic with a raw Firehose subscription to a Direct PUT delivery stream into
 * a bucket, an inline-code function whose environment references them through Ref,
 * GetAtt, Join, Sub, Select and Split, a Kinesis and an SQS event source, and a REST API with an API
 * key, usage plan, request model and gateway responses.
 */
export const synthTestTemplate = (): CfnTemplate => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LocalStackTest', { analyticsReporting: false });

  const table = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
  });
  table.addGlobalSecondaryIndex({ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } });

  const stream = new kinesis.Stream(stack, 'Clicks', { shardCount: 2 });
  const dlq = new sqs.Queue(stack, 'WorkDlq');
  const queue = new sqs.Queue(stack, 'Work', { visibilityTimeout: Duration.seconds(45), deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
  const topic = new sns.Topic(stack, 'Updates');
  topic.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true }));
  new sqs.Queue(stack, 'Named', { queueName: 'explicit-name' });
  // A Direct PUT delivery stream fed by a raw SNS firehose subscription, like the decisions export.
  const exportsBucket = new s3.Bucket(stack, 'Exports');
  const outcomes = new sns.Topic(stack, 'Outcomes');
  const exportStream = new firehose.DeliveryStream(stack, 'OutcomesExport', {
    destination: new firehose.S3Bucket(exportsBucket, { dataOutputPrefix: 'outcomes/', compression: firehose.Compression.GZIP }),
  });
  const subscriptionRole = new iam.Role(stack, 'OutcomesSubscriptionRole', { assumedBy: new iam.ServicePrincipal('sns.amazonaws.com') });
  exportStream.grantPutRecords(subscriptionRole);
  new sns.Subscription(stack, 'OutcomesSubscription', {
    topic: outcomes,
    protocol: sns.SubscriptionProtocol.FIREHOSE,
    endpoint: exportStream.deliveryStreamArn,
    rawMessageDelivery: true,
    subscriptionRoleArn: subscriptionRole.roleArn,
  });

  const fn = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    timeout: Duration.seconds(12),
    environment: {
      TABLE_NAME: table.tableName,
      TABLE_ARN: table.tableArn,
      STREAM_NAME: stream.streamName,
      STREAM_ARN: stream.streamArn,
      QUEUE_URL: queue.queueUrl,
      QUEUE_NAME: queue.queueName,
      TOPIC_ARN: topic.topicArn,
      JOINED: Fn.join('|', [table.tableName, stack.region]),
      SUBBED: Fn.sub('${AWS::Region}/${Q}/${AWS::AccountId}', { Q: queue.queueName }),
      SELECTED: Fn.select(5, Fn.split(':', queue.queueArn)),
    },
  });
  (fn.node.defaultChild as lambda.CfnFunction).addMetadata('pipeline:entry', 'functions/test/worker.handler.ts');
  fn.addEventSource(
    new KinesisEventSource(stream, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 50,
      maxBatchingWindow: Duration.seconds(2),
      bisectBatchOnError: true,
      retryAttempts: 2,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(dlq),
    }),
  );
  fn.addEventSource(new SqsEventSource(queue, { batchSize: 5, reportBatchItemFailures: true, maxBatchingWindow: Duration.seconds(1) }));

  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'test' } });
  const model = api.addModel('ItemModel', {
    contentType: 'application/json',
    modelName: 'Item',
    schema: {
      schema: apigateway.JsonSchemaVersion.DRAFT4,
      type: apigateway.JsonSchemaType.OBJECT,
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: apigateway.JsonSchemaType.STRING, minLength: 1 },
        count: { type: apigateway.JsonSchemaType.INTEGER, minimum: 0, maximum: 10, exclusiveMaximum: true },
      },
    },
  });
  const items = api.root.addResource('items');
  items.addMethod('POST', new apigateway.LambdaIntegration(fn), {
    apiKeyRequired: true,
    requestValidator: api.addRequestValidator('BodyValidator', { validateRequestBody: true }),
    requestModels: { 'application/json': model },
  });
  items.addResource('{id}').addMethod('GET', new apigateway.LambdaIntegration(fn));
  api.addGatewayResponse('BadBody', {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    statusCode: '400',
    templates: { 'application/json': '{"error":{"code":"INVALID","message":"bad body: $context.error.validationErrorString","requestId":"$context.requestId"}}' },
  });
  api.addGatewayResponse('BadKey', {
    type: apigateway.ResponseType.INVALID_API_KEY,
    statusCode: '403',
    templates: { 'application/json': '{"error":{"code":"INVALID_API_KEY"}}' },
  });
  api.addGatewayResponse('Throttled', {
    type: apigateway.ResponseType.THROTTLED,
    statusCode: '429',
    responseHeaders: { 'Retry-After': "'1'" },
    templates: { 'application/json': '{"error":{"code":"THROTTLED"}}' },
  });
  api.addGatewayResponse('Default5xx', {
    type: apigateway.ResponseType.DEFAULT_5XX,
    templates: { 'application/json': '{"error":{"code":"INTERNAL","message":$context.error.messageString}}' },
  });
  const plan = api.addUsagePlan('Plan', { throttle: TEST_THROTTLE, apiStages: [{ api, stage: api.deploymentStage }] });
  plan.addApiKey(api.addApiKey('Key', { value: TEST_API_KEY }));

  removeFirehoseCidrMapping(stack);
  return Template.fromStack(stack).toJSON() as CfnTemplate;
};
