import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A Kinesis record as Lambda delivers it, carrying `payload` (JSON-encoded unless it is a string). */
export const kinesisRecordFactory = (payload: unknown, sequenceNumber: string, partitionKey = 'user-1'): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey,
    sequenceNumber,
    data: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64'),
    approximateArrivalTimestamp: 1_795_000_000,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `shardId-000000000000:${sequenceNumber}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: 'arn:aws:iam::000000000000:role/process-events',
  awsRegion: 'us-east-1',
  eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/Events',
});

export const kinesisEventFactory = (payloads: unknown[]): KinesisStreamEvent => ({
  Records: payloads.map((payload, i) => kinesisRecordFactory(payload, String(1000 + i))),
});
