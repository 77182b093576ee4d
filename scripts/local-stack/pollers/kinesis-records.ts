import type { _Record as KinesisApiRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';

/** Where a record came from, for the Lambda event fields that do not come from the record itself. */
export interface KinesisRecordOrigin {
  readonly streamArn: string;
  readonly shardId: string;
  readonly region: string;
  readonly invokeIdentityArn: string;
}

/**
 * A GetRecords record in the shape Lambda delivers it: base64 data, arrival time in epoch seconds
 * (with milliseconds), and `eventID` = `<shardId>:<sequenceNumber>`.
 */
export const toKinesisStreamRecord = (record: KinesisApiRecord, origin: KinesisRecordOrigin): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.PartitionKey ?? '',
    sequenceNumber: record.SequenceNumber ?? '',
    data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
    approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1_000,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `${origin.shardId}:${record.SequenceNumber ?? ''}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: origin.invokeIdentityArn,
  awsRegion: origin.region,
  eventSourceARN: origin.streamArn,
});
