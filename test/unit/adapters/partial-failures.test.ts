import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoProfileStore } from '../../../layers/adapters/dynamo-profile-store';
import { KinesisEventSink } from '../../../layers/adapters/kinesis-event-sink';
import { sendAllToQueue } from '../../../layers/adapters/sqs-batch-sender';
import { PartialWriteError } from '../../../layers/core/errors';
import { ingestedEventFactory, profileFactory } from '../../helpers/factories';

/**
 * Faults the emulators cannot produce on demand (throttled entries, unprocessed keys), injected at the
 * client level: nothing a batch API refuses may be reported as written.
 */
describe('batch writes under partial failure', () => {
  const fast = { maxAttempts: 3, startingDelayMs: 1 };

  describe('KinesisEventSink', () => {
    const kinesis = mockClient(KinesisClient);
    afterEach(() => kinesis.reset());
    const records = [1, 2, 3].map((n) => ({ partitionKey: `user-${n}`, event: ingestedEventFactory({ userId: `user-${n}` }) }));

    it('retries only the refused entries until they are stored', async () => {
      // Prepare
      kinesis
        .on(PutRecordsCommand)
        .resolvesOnce({ FailedRecordCount: 1, Records: [{ SequenceNumber: '1' }, { ErrorCode: 'ProvisionedThroughputExceededException' }, { SequenceNumber: '3' }] })
        .resolvesOnce({ FailedRecordCount: 0, Records: [{ SequenceNumber: '4' }] });

      // Act
      await new KinesisEventSink(new KinesisClient({}), 'events', fast).put(records);

      // Assess
      const calls = kinesis.commandCalls(PutRecordsCommand);
      expect(calls).toHaveLength(2);
      expect(calls[1]!.args[0].input.Records?.map((r) => r.PartitionKey)).toEqual(['user-2']);
    });

    it('throws, never resolves, when entries are still refused after the last attempt', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).callsFake(({ Records }) => ({
        FailedRecordCount: Records.length,
        Records: Records.map(() => ({ ErrorCode: 'InternalFailure' })),
      }));

      // Act
      const put = new KinesisEventSink(new KinesisClient({}), 'events', fast).put(records);

      // Assess
      await expect(put).rejects.toThrow(PartialWriteError);
      expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
    });

    it('splits more than 500 records into several calls', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).callsFake(({ Records }) => ({ FailedRecordCount: 0, Records: Records.map(() => ({ SequenceNumber: '1' })) }));
      const many = Array.from({ length: 1001 }, (_, n) => ({ partitionKey: `u${n}`, event: ingestedEventFactory() }));

      // Act
      await new KinesisEventSink(new KinesisClient({}), 'events', fast).put(many);

      // Assess
      expect(kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records?.length)).toEqual([500, 500, 1]);
    });
  });

  describe('sendAllToQueue', () => {
    const sqs = mockClient(SQSClient);
    afterEach(() => sqs.reset());

    it('retries the entries SQS refused and throws if they stay refused', async () => {
      // Prepare
      sqs.on(SendMessageBatchCommand).callsFake(({ Entries }) => ({
        Successful: [],
        Failed: Entries.filter((e: { Id: string }) => e.Id === '1').map((e: { Id: string }) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
      }));

      // Act
      const send = sendAllToQueue(new SQSClient({}), 'https://queue', ['a', 'b', 'c'], fast);

      // Assess
      await expect(send).rejects.toThrow(/1 entries could not be written .*InternalError/);
      expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([3, 1, 1]);
    });
  });

  describe('DynamoProfileStore.loadMany', () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    afterEach(() => ddb.reset());

    it('reads the keys DynamoDB left unprocessed', async () => {
      // Prepare
      ddb
        .on(BatchGetCommand)
        .resolvesOnce({ Responses: { Profiles: [profileFactory({ userId: 'a' })] }, UnprocessedKeys: { Profiles: { Keys: [{ userId: 'b' }] } } })
        .resolvesOnce({ Responses: { Profiles: [profileFactory({ userId: 'b' })] } });
      const store = new DynamoProfileStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'Profiles');

      // Act
      const found = await store.loadMany(['a', 'b']);

      // Assess
      expect([...found.keys()].sort()).toEqual(['a', 'b']);
    });
  });
});
