import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { RunningEmulator } from '../../../scripts/local-stack/emulators';
import { startFauxqs } from '../../../scripts/local-stack/emulators/fauxqs-emulator';
import { startKinesalite } from '../../../scripts/local-stack/emulators/kinesalite-emulator';
import { KinesisPoller, type BatchReport, type KinesisMappingSettings, type KinesisPollerOptions } from '../../../scripts/local-stack/pollers';
import { clientConfig, LOCAL_IDENTITY } from './support/emulator-clients';

type Handler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;

const decode = (event: KinesisStreamEvent): string[] => event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString());

describe('KinesisPoller', () => {
  let kinesalite: RunningEmulator;
  let fauxqs: RunningEmulator;
  let kinesis: KinesisClient;
  let sqs: SQSClient;
  let streamCount = 0;
  const pollers: KinesisPoller[] = [];

  beforeAll(async () => {
    [kinesalite, fauxqs] = await Promise.all([startKinesalite(LOCAL_IDENTITY), startFauxqs(LOCAL_IDENTITY)]);
    kinesis = new KinesisClient(clientConfig(kinesalite.endpoint));
    sqs = new SQSClient(clientConfig(fauxqs.endpoint));
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  });

  afterAll(async () => {
    await Promise.all([kinesalite?.stop(), fauxqs?.stop()]);
  });

  /** A fresh stream with `records` already in it (one partition key each unless given). */
  const streamWith = async (records: readonly string[], shardCount = 1): Promise<{ name: string; arn: string; sequenceNumbers: string[] }> => {
    streamCount += 1;
    const name = `kp-${streamCount}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    // kinesalite makes a stream ACTIVE on a timer even with createStreamMs 0: on a busy machine a put
    // can arrive first and get ResourceNotFoundException.
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { StreamName: name });
    const sequenceNumbers: string[] = [];
    for (const [index, data] of records.entries()) {
      const put = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: `user-${index % 7}`, Data: Buffer.from(data) }));
      sequenceNumbers.push(put.SequenceNumber ?? '');
    }
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return { name, arn: StreamDescriptionSummary?.StreamARN ?? '', sequenceNumbers };
  };

  const dlq = async (): Promise<{ name: string; arn: string; url: string }> => {
    const name = `kp-dlq-${streamCount}`;
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    return { name, arn: `arn:aws:sqs:us-east-1:000000000000:${name}`, url: QueueUrl };
  };

  const start = async (
    source: { name: string; arn: string },
    handler: Handler,
    settings: Partial<KinesisMappingSettings> = {},
    options: Partial<KinesisPollerOptions> = {},
  ): Promise<{ poller: KinesisPoller; reports: BatchReport[] }> => {
    const reports: BatchReport[] = [];
    const poller = new KinesisPoller({
      kinesis,
      destinations: { sqs },
      identity: LOCAL_IDENTITY,
      fn: { name: 'process-events', handler, timeoutSeconds: 5 },
      mapping: {
        source,
        batchSize: 100,
        maximumBatchingWindowInSeconds: 0,
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: false,
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: -1,
        reportBatchItemFailures: true,
        ...settings,
      },
      pollIntervalMs: 20,
      retryDelayMs: () => 1,
      onBatch: (report) => reports.push(report),
      ...options,
    });
    pollers.push(poller);
    await poller.start();
    return { poller, reports };
  };

  it('delivers records as a real KinesisStreamEvent, in batches of batchSize', async () => {
    // Prepare
    const stream = await streamWith(['a', 'b', 'c', 'd', 'e']);
    const events: KinesisStreamEvent[] = [];

    // Act
    const { poller } = await start(stream, async (event) => void events.push(event), { batchSize: 2 });
    await poller.drain(10_000);

    // Assess
    expect(events.map(decode)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const record = events[0]?.Records[0];
    expect(record).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'user-0',
        sequenceNumber: stream.sequenceNumbers[0],
        data: Buffer.from('a').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${stream.sequenceNumbers[0]}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::000000000000:role\//),
      awsRegion: 'us-east-1',
      eventSourceARN: stream.arn,
    });
    expect(Math.abs((record?.kinesis.approximateArrivalTimestamp ?? 0) - Date.now() / 1_000)).toBeLessThan(60);
  });

  it('polls every shard', async () => {
    const values = Array.from({ length: 30 }, (_, index) => `r${index}`);
    const stream = await streamWith(values, 3);
    const seen: string[] = [];
    const shards = new Set<string>();

    const { poller } = await start(stream, async (event) => {
      seen.push(...decode(event));
      event.Records.forEach((record) => shards.add(record.eventID.split(':')[0] ?? ''));
    });
    await poller.drain(10_000);

    expect(seen.sort()).toEqual([...values].sort());
    expect(shards.size).toBeGreaterThan(1);
  });

  it('starts at LATEST: only records put after start() are seen', async () => {
    const stream = await streamWith(['old']);
    const seen: string[] = [];
    const { poller } = await start(stream, async (event) => void seen.push(...decode(event)), { startingPosition: 'LATEST' });

    await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from('new') }));
    await poller.drain(10_000);

    expect(seen).toEqual(['new']);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const stream = await streamWith(['1']);
    const batches: string[][] = [];
    const { poller } = await start(stream, async (event) => void batches.push(decode(event)), { maximumBatchingWindowInSeconds: 1, batchSize: 10 });

    await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from('2') }));
    await poller.drain(10_000);

    expect(batches).toEqual([['1', '2']]);
  });

  it('ReportBatchItemFailures: checkpoints before the lowest failed record and retries from there', async () => {
    const stream = await streamWith(['a', 'b', 'c', 'd']);
    const calls: string[][] = [];
    let failOnce = true;

    const { poller, reports } = await start(stream, async (event) => {
      calls.push(decode(event));
      if (!failOnce) return { batchItemFailures: [] };
      failOnce = false;
      // d and b failed: Lambda resumes from b, the lowest.
      return { batchItemFailures: [{ itemIdentifier: stream.sequenceNumbers[3] ?? '' }, { itemIdentifier: stream.sequenceNumbers[1] ?? '' }] };
    });
    await poller.drain(10_000);

    expect(calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'c', 'd'],
    ]);
    expect(reports.map((report) => [report.result, report.attempt, report.next])).toEqual([
      ['partially-failed', 1, 'retry'],
      ['succeeded', 2, undefined],
    ]);
  });

  it('a thrown error retries the whole batch; an invalid itemIdentifier counts as an error', async () => {
    const stream = await streamWith(['a', 'b']);
    const calls: string[][] = [];

    const { poller } = await start(stream, async (event) => {
      calls.push(decode(event));
      if (calls.length === 1) throw new Error('DynamoDB throttled');
      if (calls.length === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
      return undefined;
    });
    await poller.drain(10_000);

    expect(calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('after MaximumRetryAttempts sends the on-failure record to the destination and moves on', async () => {
    const stream = await streamWith(['a', 'b', 'c']);
    const destination = await dlq();
    const calls: string[][] = [];

    const { poller, reports } = await start(
      stream,
      async (event) => {
        calls.push(decode(event));
        if (decode(event).includes('a')) throw new Error('poison');
      },
      { maximumRetryAttempts: 2, onFailure: { kind: 'sqs', logicalId: 'Dlq', ...destination }, batchSize: 3 },
    );
    await poller.drain(10_000);
    await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from('later') }));
    await poller.drain(10_000);

    expect(calls.slice(0, 3)).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(calls[3]).toEqual(['later']);
    expect(reports[2]).toMatchObject({ attempt: 3, result: 'failed', next: 'on-failure', error: 'poison' });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: destination.url, MaxNumberOfMessages: 10 }));
    expect(Messages).toHaveLength(1);
    expect(JSON.parse(Messages[0]?.Body ?? '{}')).toEqual({
      requestContext: {
        requestId: expect.any(String),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:process-events',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: stream.sequenceNumbers[0],
        endSequenceNumber: stream.sequenceNumbers[2],
        approximateArrivalOfFirstRecord: expect.any(String),
        approximateArrivalOfLastRecord: expect.any(String),
        batchSize: 3,
        streamArn: stream.arn,
      },
    });
  });

  it('BisectBatchOnFunctionError isolates a poison record; only it goes to the on-failure destination', async () => {
    const stream = await streamWith(['a', 'b', 'POISON', 'd']);
    const destination = await dlq();
    const calls: string[][] = [];
    const processed: string[] = [];

    const { poller } = await start(
      stream,
      async (event) => {
        const values = decode(event);
        calls.push(values);
        if (values.includes('POISON')) throw new Error('cannot decode');
        processed.push(...values);
      },
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 1, onFailure: { kind: 'sqs', logicalId: 'Dlq', ...destination } },
    );
    await poller.drain(10_000);

    expect(calls).toEqual([['a', 'b', 'POISON', 'd'], ['a', 'b'], ['POISON', 'd'], ['POISON'], ['POISON'], ['d']]);
    expect(processed).toEqual(['a', 'b', 'd']);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: destination.url, MaxNumberOfMessages: 10 }));
    expect(Messages.map((message) => JSON.parse(message.Body ?? '{}').KinesisBatchInfo)).toEqual([
      expect.objectContaining({ startSequenceNumber: stream.sequenceNumbers[2], endSequenceNumber: stream.sequenceNumbers[2], batchSize: 1 }),
    ]);
  });

  it('records past MaximumRecordAgeInSeconds are not invoked but reported to the destination', async () => {
    const stream = await streamWith(['stale']);
    const destination = await dlq();
    const calls: string[][] = [];

    const { poller, reports } = await start(
      stream,
      async (event) => void calls.push(decode(event)),
      { maximumRecordAgeInSeconds: 60, onFailure: { kind: 'sqs', logicalId: 'Dlq', ...destination } },
      { now: () => Date.now() + 120_000 },
    );
    await poller.drain(10_000);

    expect(calls).toEqual([]);
    expect(reports).toEqual([expect.objectContaining({ result: 'expired', next: 'on-failure' })]);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: destination.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: destination.url }));
    expect(JSON.parse(Messages[0]?.Body ?? '{}').requestContext.condition).toBe('RecordAgeExceeded');
  });

  it('stop() resolves promptly, even in the middle of retries', async () => {
    const stream = await streamWith(['a']);
    const { poller } = await start(
      stream,
      async () => {
        throw new Error('always');
      },
      {},
      { retryDelayMs: () => 60_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    await poller.stop();

    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(poller.idle(100)).rejects.toThrow();
  });
});
