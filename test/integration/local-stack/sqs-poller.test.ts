import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RunningEmulator } from '../../../scripts/local-stack/emulators';
import { startFauxqs } from '../../../scripts/local-stack/emulators/fauxqs-emulator';
import { SqsPoller, type BatchReport, type SqsMappingSettings, type SqsPollerOptions } from '../../../scripts/local-stack/pollers';
import { clientConfig, LOCAL_IDENTITY } from './support/emulator-clients';

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;
interface TestQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
}

describe('SqsPoller', () => {
  let fauxqs: RunningEmulator;
  let sqs: SQSClient;
  let queueCount = 0;
  const pollers: SqsPoller[] = [];

  beforeAll(async () => {
    fauxqs = await startFauxqs(LOCAL_IDENTITY);
    sqs = new SQSClient(clientConfig(fauxqs.endpoint));
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  });

  afterAll(async () => {
    await fauxqs?.stop();
  });

  const createQueue = async (attributes: Record<string, string> = {}): Promise<TestQueue> => {
    queueCount += 1;
    const name = `sp-${queueCount}`;
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return { name, url: QueueUrl, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
  };

  const send = async (queue: TestQueue, bodies: readonly string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (let index = 0; index < bodies.length; index += 10) {
      const { Successful = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.slice(index, index + 10).map((body, offset) => ({ Id: String(offset), MessageBody: body })),
        }),
      );
      ids.push(...Successful.sort((a, b) => Number(a.Id) - Number(b.Id)).map((entry) => entry.MessageId ?? ''));
    }
    return ids;
  };

  const depth = async (queue: TestQueue): Promise<number> => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  const start = async (
    queue: TestQueue,
    handler: Handler,
    settings: Partial<SqsMappingSettings> = {},
    options: Partial<SqsPollerOptions> = {},
  ): Promise<{ poller: SqsPoller; reports: BatchReport[] }> => {
    const reports: BatchReport[] = [];
    const poller = new SqsPoller({
      sqs,
      identity: LOCAL_IDENTITY,
      fn: { name: 'deliver', handler, timeoutSeconds: 5 },
      mapping: { source: queue, batchSize: 10, maximumBatchingWindowInSeconds: 0, reportBatchItemFailures: true, ...settings },
      waitTimeSeconds: 0,
      pollIntervalMs: 20,
      onBatch: (report) => reports.push(report),
      ...options,
    });
    pollers.push(poller);
    await poller.start();
    return { poller, reports };
  };

  const bodies = (event: SQSEvent): string[] => event.Records.map((record) => record.body);

  it('delivers messages as a real SQSEvent and deletes them after success', async () => {
    // Prepare
    const queue = await createQueue();
    const { MessageId } = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"intent":1}',
        MessageAttributes: { campaign: { DataType: 'String', StringValue: 'welcome' }, blob: { DataType: 'Binary', BinaryValue: Buffer.from('xyz') } },
      }),
    );
    const events: SQSEvent[] = [];

    // Act
    const { poller } = await start(queue, async (event) => void events.push(event));
    await poller.drain(10_000);

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]?.Records[0]).toEqual({
      messageId: MessageId,
      receiptHandle: expect.any(String),
      body: '{"intent":1}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        campaign: { stringValue: 'welcome', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from('xyz').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: expect.any(String),
      md5OfMessageAttributes: expect.any(String),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
    });
    expect(await depth(queue)).toBe(0);
  });

  it('batches up to batchSize, receiving several times within the batching window', async () => {
    const queue = await createQueue();
    await send(
      queue,
      Array.from({ length: 15 }, (_, index) => `m${index}`),
    );
    const sizes: number[] = [];

    const { poller } = await start(queue, async (event) => void sizes.push(event.Records.length), { batchSize: 15, maximumBatchingWindowInSeconds: 1 });
    await poller.drain(10_000);

    expect(sizes).toEqual([15]);
  });

  it('ReportBatchItemFailures: deletes the successes; only the failed message comes back', async () => {
    const queue = await createQueue();
    const [, failingId] = await send(queue, ['a', 'b', 'c']);
    const calls: { body: string; receiveCount: string }[][] = [];

    const { poller, reports } = await start(
      queue,
      async (event) => {
        calls.push(event.Records.map((record) => ({ body: record.body, receiveCount: record.attributes.ApproximateReceiveCount })));
        return calls.length === 1 ? { batchItemFailures: [{ itemIdentifier: failingId ?? '' }] } : { batchItemFailures: [] };
      },
      {},
      { retryVisibilityTimeoutSeconds: 0 },
    );
    await poller.drain(10_000);

    expect(calls).toEqual([
      [
        { body: 'a', receiveCount: '1' },
        { body: 'b', receiveCount: '1' },
        { body: 'c', receiveCount: '1' },
      ],
      [{ body: 'b', receiveCount: '2' }],
    ]);
    expect(reports[0]).toMatchObject({ result: 'partially-failed', failedItemIds: [failingId], next: 'redelivery' });
    expect(await depth(queue)).toBe(0);
  });

  it('a thrown error (or an invalid itemIdentifier) leaves the whole batch for redelivery', async () => {
    const queue = await createQueue();
    await send(queue, ['a', 'b']);
    const calls: string[][] = [];

    const { poller } = await start(
      queue,
      async (event) => {
        calls.push(bodies(event));
        if (calls.length === 1) throw new Error('SNS unavailable');
        if (calls.length === 2) return { batchItemFailures: [{ itemIdentifier: '' }] };
        return undefined;
      },
      {},
      { retryVisibilityTimeoutSeconds: 0 },
    );
    await poller.drain(10_000);

    expect(calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('failed messages reappear after the queue visibility timeout and move to the DLQ after maxReceiveCount', async () => {
    // Prepare: fauxqs applies the redrive policy itself, as SQS does.
    const dlq = await createQueue();
    const queue = await createQueue({ VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
    await send(queue, ['poison']);
    const receiveCounts: string[] = [];

    // Act
    const { poller } = await start(queue, async (event) => {
      receiveCounts.push(...event.Records.map((record) => record.attributes.ApproximateReceiveCount));
      throw new Error('always fails');
    });
    await poller.drain(10_000);

    // Assess
    expect(receiveCounts).toEqual(['1', '2']);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    expect(Messages.map((message) => message.Body)).toEqual(['poison']);
    expect(await depth(queue)).toBe(0);
  });

  it('a long poll in progress does not delay stop()', async () => {
    const queue = await createQueue();
    const { poller } = await start(queue, async () => undefined, {}, { waitTimeSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    await poller.stop();

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('idle() resolves once the queue is read, with the default long poll', async () => {
    const queue = await createQueue();
    const seen: string[] = [];
    const { poller } = await start(queue, async (event) => void seen.push(...bodies(event)), {}, { waitTimeSeconds: 1 });

    await send(queue, ['x']);
    await poller.idle(5_000);

    expect(seen).toEqual(['x']);
  });
});
