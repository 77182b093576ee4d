import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { KinesisEventSink } from '../../../layers/adapters/kinesis-event-sink';
import { SnsDeliveryEvents } from '../../../layers/adapters/sns-delivery-events';
import { SnsPushSender } from '../../../layers/adapters/sns-push-sender';
import { SqsIntentQueue } from '../../../layers/adapters/sqs-intent-queue';
import type { ProvisionedStack } from '../../../scripts/local-stack/provision-from-template';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { ingestedEventFactory, intentFactory } from '../../helpers/factories';
import { TEST_YEAR } from '../../helpers/test-calendar';

describeWithAws('stream, queue and topic adapters against the provisioned resources', () => {
  let target: AwsTarget;
  let stack: ProvisionedStack;

  beforeAll(async () => {
    target = await startAwsTarget();
    stack = await provisionPipeline(target, 'io-');
  });
  afterAll(() => target?.stop());

  const receiveAll = async (queueUrl: string, expected: number) => {
    const bodies: string[] = [];
    for (let attempt = 0; attempt < 20 && bodies.length < expected; attempt++) {
      const { Messages = [] } = await target.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...Messages.map((m) => m.Body ?? ''));
    }
    return bodies;
  };

  it('KinesisEventSink stores every event, keyed by user, across several PutRecords calls', async () => {
    // Prepare
    const stream = resourceOf(stack, 'Events').name;
    const records = Array.from({ length: 620 }, (_, i) => ({ partitionKey: `user-${i % 7}`, event: ingestedEventFactory({ userId: `user-${i % 7}` }) }));

    // Act
    await new KinesisEventSink(target.clients.kinesis, stream).put(records);

    // Assess
    const { Shards = [] } = await target.clients.kinesis.send(new ListShardsCommand({ StreamName: stream }));
    const stored: { partitionKey: string; insertId: string }[] = [];
    for (const shard of Shards) {
      let { ShardIterator } = await target.clients.kinesis.send(
        new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (ShardIterator) {
        const page = await target.clients.kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
        const got = (page.Records ?? []).map((r) => ({ partitionKey: r.PartitionKey!, insertId: JSON.parse(Buffer.from(r.Data!).toString()).insertId }));
        stored.push(...got);
        ShardIterator = got.length > 0 ? page.NextShardIterator : undefined;
      }
    }
    expect(stored).toHaveLength(620);
    expect(new Set(stored.map((s) => s.insertId))).toEqual(new Set(records.map((r) => r.event.insertId)));
  });

  it('SqsIntentQueue enqueues every intent, in batches of ten', async () => {
    // Prepare
    const queueUrl = resourceOf(stack, 'Intents').url!;
    const intents = Array.from({ length: 23 }, (_, i) => intentFactory({ occurrence: `o-${i}` }));

    // Act
    await new SqsIntentQueue(target.clients.sqs, queueUrl).enqueue(intents);

    // Assess
    const bodies = await receiveAll(queueUrl, 23);
    expect(bodies.map((b) => JSON.parse(b).messageId).sort()).toEqual(intents.map((i) => i.messageId).sort());
  });

  it('the intents queue sends a message to its DLQ after five failed receives (redrive from the template)', async () => {
    // Act
    const { Attributes } = await target.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: resourceOf(stack, 'Intents').url!, AttributeNames: ['RedrivePolicy'] }));

    // Assess
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: resourceOf(stack, 'IntentsDlq').arn, maxReceiveCount: 5 });
  });

  it('SnsDeliveryEvents fans an outcome out to every subscribed queue, without personal data', async () => {
    // Prepare
    const topicArn = resourceOf(stack, 'DeliveryEvents').arn;
    const queues = await Promise.all(['audit', 'analytics'].map((name) => target.clients.sqs.send(new CreateQueueCommand({ QueueName: `io-${name}` }))));
    for (const { QueueUrl } of queues) {
      const { Attributes } = await target.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await target.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    }

    // Act
    await new SnsDeliveryEvents(target.clients.sns, topicArn).publish(intentFactory(), { status: 'suppressed', reason: 'NO_CONSENT' }, new Date(`${TEST_YEAR}-11-22T12:00:00Z`));

    // Assess
    for (const { QueueUrl } of queues) {
      const [body] = await receiveAll(QueueUrl!, 1);
      expect(JSON.parse(body!)).toEqual(expect.objectContaining({ userId: 'user-1', status: 'suppressed', reason: 'NO_CONSENT' }));
      expect(body).not.toContain('endpoint/');
    }
  });

  it('SnsPushSender publishes to a platform endpoint (recorded by the local SNS stub)', async () => {
    if (!target.directPublishes) return; // LocalStack has no platform application here
    // Prepare
    const endpointArn = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/abc';

    // Act
    const messageId = await new SnsPushSender(target.clients.sns).send(endpointArn, JSON.stringify({ default: 'hello', GCM: '{}' }));

    // Assess
    expect(target.directPublishes.list()).toEqual([expect.objectContaining({ targetArn: endpointArn, id: messageId, kind: "push" })]);
  });
});
