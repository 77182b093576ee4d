import { DescribeTimeToLiveCommand, CreateTableCommand, GetItemCommand, TransactWriteItemsCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { CheckIfPhoneNumberIsOptedOutCommand, CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand as PutS3ObjectCommand } from '@aws-sdk/client-s3';
import { startEmulators, type LocalEmulators } from '../../../scripts/local-stack/emulators';
import { startDynamoDbLocal } from '../../../scripts/local-stack/emulators/dynamodb-local';
import { clientsFor } from './support/emulator-clients';

const ENDPOINT_ARN = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/device-1';

describe('local emulators', () => {
  let emulators: LocalEmulators;
  let clients: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    emulators = await startEmulators();
    clients = clientsFor(emulators);
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('listens on 127.0.0.1 only, on six distinct ports', () => {
    const urls = Object.values(emulators.endpoints).map((endpoint) => new URL(endpoint));
    expect(urls.every((url) => url.hostname === '127.0.0.1')).toBe(true);
    expect(new Set(urls.map((url) => url.port)).size).toBe(6);
    expect(emulators.awsEnvironment()).toMatchObject({ AWS_ENDPOINT_URL_SNS: emulators.endpoints.sns, AWS_ENDPOINT_URL_SQS: emulators.endpoints.sqs });
  });

  it('DynamoDB Local: transactions and TTL', async () => {
    // Prepare
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: 'emu-ttl',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName: 'emu-ttl', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));

    // Act
    await clients.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'emu-ttl', Item: { pk: { S: 'a' }, expiresAt: { N: '1' } } } },
          { Put: { TableName: 'emu-ttl', Item: { pk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    const failing = clients.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'emu-ttl', Item: { pk: { S: 'c' } } } },
          { Put: { TableName: 'emu-ttl', Item: { pk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );

    // Assess
    await expect(failing).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    const c = await clients.dynamodb.send(new GetItemCommand({ TableName: 'emu-ttl', Key: { pk: { S: 'c' } } }));
    expect(c.Item).toBeUndefined();
    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'emu-ttl' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  it('kinesalite: put and get a record', async () => {
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'emu-stream', ShardCount: 1 }));
    await waitUntilStreamExists({ client: clients.kinesis, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { StreamName: 'emu-stream' });
    const put = await clients.kinesis.send(new PutRecordCommand({ StreamName: 'emu-stream', PartitionKey: 'user-1', Data: Buffer.from('hello') }));
    const { ShardIterator } = await clients.kinesis.send(
      new GetShardIteratorCommand({ StreamName: 'emu-stream', ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records.map((record) => Buffer.from(record.Data ?? []).toString())).toEqual(['hello']);
    expect(Records[0]?.SequenceNumber).toBe(put.SequenceNumber);
  });

  it('fauxqs: queue URLs on 127.0.0.1, send and receive', async () => {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'emu-queue' }));
    expect(QueueUrl).toBe(`${emulators.endpoints.sqs}/000000000000/emu-queue`);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ping' }));
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages.map((message) => message.Body)).toEqual(['ping']);
  });

  it('SNS through the stub: a topic fans out to an SQS subscription in fauxqs', async () => {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'emu-fanout' }));
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: 'emu-topic' }));
    await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));

    const published = await clients.sns.send(new PublishCommand({ TopicArn, Message: '{"outcome":"sent"}' }));

    expect(published.MessageId).toBeTruthy();
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages.map((message) => message.Body)).toEqual(['{"outcome":"sent"}']);
    expect(emulators.directPublishes.list()).toHaveLength(0);
  });

  it('SNS direct publishes (push and SMS) are answered and recorded by the stub', async () => {
    const waiting = emulators.directPublishes.waitFor((publish) => publish.kind === 'sms');

    const push = await clients.sns.send(
      new PublishCommand({
        TargetArn: ENDPOINT_ARN,
        Message: JSON.stringify({ default: 'hi', GCM: '{"notification":{"body":"hi"}}' }),
        MessageStructure: 'json',
        MessageAttributes: { campaign: { DataType: 'String', StringValue: 'welcome' } },
      }),
    );
    const sms = await clients.sns.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'code 1234' }));

    const recorded = emulators.directPublishes.list();
    expect(recorded).toEqual([
      expect.objectContaining({
        id: push.MessageId,
        kind: 'push',
        targetArn: ENDPOINT_ARN,
        messageStructure: 'json',
        messageAttributes: { campaign: { dataType: 'String', stringValue: 'welcome' } },
      }),
      expect.objectContaining({ id: sms.MessageId, kind: 'sms', phoneNumber: '+15555550100', message: 'code 1234' }),
    ]);
    await expect(waiting).resolves.toMatchObject({ id: sms.MessageId });
  });

  it('SNS direct publishes are validated like SNS and can hit a disabled endpoint', async () => {
    await expect(clients.sns.send(new PublishCommand({ PhoneNumber: '555-0100', Message: 'x' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(clients.sns.send(new PublishCommand({ TargetArn: ENDPOINT_ARN, Message: '{"GCM":"{}"}', MessageStructure: 'json' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });

    emulators.directPublishes.disableEndpoint(ENDPOINT_ARN);
    const disabled = clients.sns.send(new PublishCommand({ TargetArn: ENDPOINT_ARN, Message: 'hi' }));

    await expect(disabled).rejects.toMatchObject({ name: 'EndpointDisabledException' });
    emulators.directPublishes.enableEndpoint(ENDPOINT_ARN);
  });

  it('s3rver: create a bucket, put, list and get an object with the real S3 client', async () => {
    // Prepare
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'emulator-test' }));

    // Act
    await clients.s3.send(new PutS3ObjectCommand({ Bucket: 'emulator-test', Key: 'models/CURRENT', Body: 'v1' }));
    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: 'emulator-test', Prefix: 'models/' }));
    const read = await clients.s3.send(new GetObjectCommand({ Bucket: 'emulator-test', Key: 'models/CURRENT' }));
    const missing = clients.s3.send(new GetObjectCommand({ Bucket: 'emulator-test', Key: 'nope' }));

    // Assess
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['models/CURRENT']);
    expect(await read.Body?.transformToString()).toBe('v1');
    await expect(missing).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('SNS answers CheckIfPhoneNumberIsOptedOut from the opt-out list and refuses SMS to an opted-out number', async () => {
    // Prepare
    const phoneNumber = '+447700900123';
    emulators.directPublishes.optOut(phoneNumber);

    // Act
    const optedOut = await clients.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
    const other = await clients.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+447700900124' }));
    const sms = clients.sns.send(new PublishCommand({ PhoneNumber: phoneNumber, Message: 'hi' }));

    // Assess
    expect(optedOut.isOptedOut).toBe(true);
    expect(other.isOptedOut).toBe(false);
    await expect(sms).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(clients.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '07700' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    emulators.directPublishes.optIn(phoneNumber);
    await expect(clients.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }))).resolves.toMatchObject({ isOptedOut: false });
  });

  it('stop() ends every emulator, is idempotent and does not hang', async () => {
    const second = await startEmulators();
    const started = Date.now();

    await Promise.all([second.stop(), second.stop()]);

    expect(Date.now() - started).toBeLessThan(5_000);
    for (const endpoint of Object.values(second.endpoints)) {
      await expect(fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1_000) })).rejects.toThrow();
    }
  });
});

describe('DynamoDB Local without Java', () => {
  it('fails with a clear message', async () => {
    await expect(startDynamoDbLocal({ javaCommand: '/nonexistent/bin/java' })).rejects.toThrow(
      'java not found (/nonexistent/bin/java): DynamoDB Local needs Java 17+ on the PATH or in JAVA_HOME',
    );
  });
});
