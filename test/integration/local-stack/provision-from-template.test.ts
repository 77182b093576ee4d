import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startEmulators, type LocalEmulators } from '../../../scripts/local-stack/emulators';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { s3DeliveryFromQueueHandler } from '../../../scripts/local-stack/firehose/s3-delivery';
import { toSqsRecord } from '../../../scripts/local-stack/pollers';
import {
  provisionFromTemplate,
  resolveDeliveryStreams,
  resolveEventSourceMappings,
  resolveFunctions,
  resolveRestApis,
  UnresolvableIntrinsicError,
  type CfnTemplate,
  type ProvisionedStack,
} from '../../../scripts/local-stack/provision-from-template';
import { TEST_YEAR } from '../../helpers/test-calendar';
import { clientsFor } from './support/emulator-clients';
import { synthTestTemplate, TEST_API_KEY, TEST_THROTTLE } from './support/synth-test-template';

/** The logical ID CDK gave construct `prefix` of `type`: the construct name plus an 8-character hash. */
const logicalIdOf = (template: CfnTemplate, type: string, prefix: string): string => {
  const ids = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === type && new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ')}`);
  return ids[0] as string;
};

describe('provisionFromTemplate', () => {
  let emulators: LocalEmulators;
  let clients: ReturnType<typeof clientsFor>;
  let template: CfnTemplate;
  let stack: ProvisionedStack;
  const id = (type: string, prefix: string) => logicalIdOf(template, type, prefix);
  const resource = (type: string, prefix: string) => {
    const found = stack.resources[id(type, prefix)];
    if (!found) throw new Error(`${prefix} was not provisioned`);
    return found;
  };

  beforeAll(async () => {
    [emulators, template] = await Promise.all([startEmulators(), Promise.resolve().then(synthTestTemplate)]);
    clients = clientsFor(emulators);
    stack = await provisionFromTemplate(template, clients, { namePrefix: 't1-' });
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('names resources after their logical IDs without the CDK hash, or by their explicit name, with the prefix', () => {
    expect(resource('AWS::DynamoDB::Table', 'Orders').name).toBe('t1-Orders');
    expect(resource('AWS::Kinesis::Stream', 'Clicks').name).toBe('t1-Clicks');
    expect(resource('AWS::SQS::Queue', 'WorkDlq').name).toBe('t1-WorkDlq');
    expect(resource('AWS::SQS::Queue', 'Named').name).toBe('t1-explicit-name');
    expect(resource('AWS::SNS::Topic', 'Updates').arn).toBe('arn:aws:sns:us-east-1:000000000000:t1-Updates');
    expect(resource('AWS::Lambda::Function', 'Worker')).toMatchObject({ name: 't1-Worker', arn: 'arn:aws:lambda:us-east-1:000000000000:function:t1-Worker' });
    expect(resource('AWS::SQS::Queue', 'Work')).toMatchObject({
      name: 't1-Work',
      arn: 'arn:aws:sqs:us-east-1:000000000000:t1-Work',
      url: `${emulators.endpoints.sqs}/000000000000/t1-Work`,
    });
  });

  it('lists what it does not create as skipped', () => {
    const skippedTypes = new Set(stack.skipped.map((skipped) => skipped.type));
    expect([...skippedTypes]).toEqual(expect.arrayContaining(['AWS::IAM::Role', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::EventSourceMapping', 'AWS::ApiGateway::Method']));
    expect([...skippedTypes]).not.toContain('AWS::SQS::Queue');
  });

  it('creates the table with its GSI and TTL', async () => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 't1-Orders' }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byStatus']);
    const { TimeToLiveDescription } = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 't1-Orders' }));
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  it('creates the stream ACTIVE with its shards', async () => {
    const { StreamDescriptionSummary } = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 't1-Clicks' }));
    expect(StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2, StreamARN: resource('AWS::Kinesis::Stream', 'Clicks').arn });
  });

  it('creates the queue with its visibility timeout and a redrive policy pointing at the local DLQ', async () => {
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: resource('AWS::SQS::Queue', 'Work').url, AttributeNames: ['All'] }));
    expect(Attributes?.VisibilityTimeout).toBe('45');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: resource('AWS::SQS::Queue', 'WorkDlq').arn, maxReceiveCount: 3 });
  });

  it('subscribes the queue to the topic with raw message delivery', async () => {
    await clients.sns.send(new PublishCommand({ TopicArn: resource('AWS::SNS::Topic', 'Updates').arn, Message: 'raw body' }));
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: resource('AWS::SQS::Queue', 'Work').url, WaitTimeSeconds: 1 }));
    expect(Messages.map((message) => message.Body)).toEqual(['raw body']);
  });

  it('stands a queue in for a Direct PUT delivery stream, subscribed raw to the topic as the firehose subscription says', async () => {
    // Prepare
    const [stream] = resolveDeliveryStreams(template, stack).filter((candidate) => candidate.source.kind === 'sns');
    if (stream?.source.kind !== 'sns') throw new Error('no delivery stream fed by SNS was resolved');

    // Act
    await clients.sns.send(new PublishCommand({ TopicArn: resource('AWS::SNS::Topic', 'Outcomes').arn, Message: '{"status":"sent"}' }));
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: stream.source.queue.url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));

    // Assess
    expect(stream).toMatchObject({
      logicalId: id('AWS::KinesisFirehose::DeliveryStream', 'OutcomesExport'),
      source: { kind: 'sns', topicLogicalIds: [id('AWS::SNS::Topic', 'Outcomes')], queue: { name: 't1-OutcomesExport-put' } },
      bucket: resource('AWS::S3::Bucket', 'Exports').name,
      prefix: 'outcomes/',
      gzip: true,
      newlineDelimited: true,
    });
    expect(Messages.map((message) => message.Body)).toEqual(['{"status":"sent"}']);
  });

  it('delivers what reaches the stand-in queue like Firehose: one gzip object of lines under <prefix>YYYY/MM/DD/HH/', async () => {
    // Prepare
    const [stream] = resolveDeliveryStreams(template, stack).filter((candidate) => candidate.source.kind === 'sns');
    const at = new Date(Date.UTC(TEST_YEAR, 11, 1, 9, 30));
    const messages = ['{"messageId":"m1"}', '{"messageId":"m2"}'].map((body, i) => ({ MessageId: `id-${i}`, Body: body }));
    const event = { Records: messages.map((message) => toSqsRecord(message, { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' })) };

    // Act
    await s3DeliveryFromQueueHandler(stream!, clients.s3, () => at)(event);

    // Assess
    const day = at.toISOString().slice(0, 10).replaceAll('-', '/');
    const { Contents = [] } = await clients.s3.send(new ListObjectsV2Command({ Bucket: stream!.bucket, Prefix: `outcomes/${day}/09/` }));
    expect(Contents).toHaveLength(1);
    expect(Contents[0]!.Key).toMatch(/\/OutcomesExport[0-9A-F]{8}-1-\d{4}-12-01-09-30-00-[0-9a-f-]{36}\.gz$/);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: stream!.bucket, Key: Contents[0]!.Key }));
    expect(gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString()).toBe('{"messageId":"m1"}\n{"messageId":"m2"}\n');
  });

  it('reuses existing resources when run again, and keeps prefixed copies apart', async () => {
    const again = await provisionFromTemplate(template, clients, { namePrefix: 't1-' });
    const other = await provisionFromTemplate(template, clients, { namePrefix: 't2-' });
    const work = id('AWS::SQS::Queue', 'Work');
    expect(again.resources[work]?.url).toBe(stack.resources[work]?.url);
    expect(other.resources[work]?.name).toBe('t2-Work');
  });

  it('resolves each function: entry, timeout and environment with every intrinsic', () => {
    const [worker] = resolveFunctions(template, stack);
    const work = resource('AWS::SQS::Queue', 'Work');
    expect(worker).toMatchObject({
      logicalId: id('AWS::Lambda::Function', 'Worker'),
      name: 't1-Worker',
      entry: 'functions/test/worker.handler.ts',
      timeoutSeconds: 12,
      environment: {
        TABLE_NAME: 't1-Orders',
        TABLE_ARN: resource('AWS::DynamoDB::Table', 'Orders').arn,
        STREAM_NAME: 't1-Clicks',
        STREAM_ARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/t1-Clicks',
        QUEUE_URL: work.url,
        QUEUE_NAME: 't1-Work',
        TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:t1-Updates',
        JOINED: 't1-Orders|us-east-1',
        SUBBED: 'us-east-1/t1-Work/000000000000',
        SELECTED: 't1-Work',
      },
    });
  });

  it('resolves the event source mappings with their settings', () => {
    const mappings = resolveEventSourceMappings(template, stack);
    const kinesis = mappings.find((mapping) => mapping.source.kind === 'kinesis');
    const sqs = mappings.find((mapping) => mapping.source.kind === 'sqs');
    expect(kinesis).toMatchObject({
      functionLogicalId: id('AWS::Lambda::Function', 'Worker'),
      source: { kind: 'kinesis', name: 't1-Clicks', arn: resource('AWS::Kinesis::Stream', 'Clicks').arn },
      batchSize: 50,
      maximumBatchingWindowInSeconds: 2,
      startingPosition: 'TRIM_HORIZON',
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      reportBatchItemFailures: true,
      onFailure: { kind: 'sqs', name: 't1-WorkDlq', url: resource('AWS::SQS::Queue', 'WorkDlq').url },
    });
    expect(sqs).toMatchObject({
      source: { kind: 'sqs', name: 't1-Work', url: resource('AWS::SQS::Queue', 'Work').url },
      batchSize: 5,
      maximumBatchingWindowInSeconds: 1,
      reportBatchItemFailures: true,
    });
    expect(sqs?.startingPosition).toBeUndefined();
  });

  it('resolves the REST API: paths, key requirement, model, integration, throttle, gateway responses, keys', () => {
    const [api] = resolveRestApis(template);
    const worker = id('AWS::Lambda::Function', 'Worker');
    expect(api?.stageName).toBe('test');
    expect(api?.methods.map((method) => [method.httpMethod, method.resourcePath, method.apiKeyRequired, method.validateRequestBody])).toEqual(
      expect.arrayContaining([
        ['POST', '/items', true, true],
        ['GET', '/items/{id}', false, false],
      ]),
    );
    const post = api?.methods.find((method) => method.httpMethod === 'POST');
    expect(post?.integration).toEqual({ type: 'AWS_PROXY', functionLogicalId: worker });
    expect(post?.requestModels['application/json']).toMatchObject({ name: 'Item', schema: expect.objectContaining({ required: ['name'] }) });
    expect(api?.throttle).toEqual(TEST_THROTTLE);
    expect(api?.gatewayResponses.INVALID_API_KEY).toMatchObject({ statusCode: 403 });
    expect(api?.apiKeys).toEqual([expect.objectContaining({ value: TEST_API_KEY, enabled: true })]);
  });

  it('names the function, the variable and the intrinsic when an environment value cannot be resolved', () => {
    const broken: CfnTemplate = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { ROLE_ARN: { 'Fn::GetAtt': ['Role', 'Arn'] } } } } },
      },
    };
    const provisioned: ProvisionedStack = {
      ...stack,
      resources: { Fn: { logicalId: 'Fn', type: 'AWS::Lambda::Function', name: 'Fn', arn: 'arn', ref: 'Fn', attributes: {} } },
    };

    const resolving = () => resolveFunctions(broken, provisioned);

    expect(resolving).toThrow(UnresolvableIntrinsicError);
    expect(resolving).toThrow('cannot resolve Fn::GetAtt ["Role","Arn"] in function Fn, environment variable ROLE_ARN: Role is a AWS::IAM::Role, which the local stack does not create');
  });
});
