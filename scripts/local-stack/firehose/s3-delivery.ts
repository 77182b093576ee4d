import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { Clock } from '../../../layers/core/clock';
import type { ResolvedDeliveryStream } from '../template/resolve-delivery-streams';

/**
 * What Kinesis Data Firehose does with a buffer of records for an S3 destination: concatenate the
 * records (a newline after each when the stream delimits them), compress, and write one object under
 * `<prefix>YYYY/MM/DD/HH/` (the delivery time, UTC) named as Firehose names them.
 */
export const deliverToS3 = async (stream: ResolvedDeliveryStream, s3: S3Client, clock: Clock, records: readonly Buffer[]): Promise<void> => {
  if (records.length === 0) return;
  const newline = Buffer.from('\n');
  const body = Buffer.concat(records.map((data) => (stream.newlineDelimited ? Buffer.concat([data, newline]) : data)));
  const at = clock().toISOString();
  const [date, time] = [at.slice(0, 10), at.slice(11, 19)];
  const key = `${stream.prefix}${date.replaceAll('-', '/')}/${time.slice(0, 2)}/${stream.logicalId}-1-${date}-${time.replaceAll(':', '-')}-${randomUUID()}${stream.gzip ? '.gz' : ''}`;
  const object = stream.gzip ? gzipSync(body) : body;
  await s3.send(new PutObjectCommand({ Bucket: stream.bucket, Key: key, Body: object, ContentLength: object.length }));
};

/** {@link deliverToS3} as a handler the Kinesis poller can call: a stream with a Kinesis source. */
export const s3DeliveryHandler =
  (stream: ResolvedDeliveryStream, s3: S3Client, clock: Clock) =>
  (event: KinesisStreamEvent): Promise<void> =>
    deliverToS3(stream, s3, clock, event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64')));

/**
 * {@link deliverToS3} as a handler the SQS poller can call: a Direct PUT stream fed by SNS `firehose`
 * subscriptions, whose messages reach its stand-in queue (raw, when the subscription says so).
 */
export const s3DeliveryFromQueueHandler =
  (stream: ResolvedDeliveryStream, s3: S3Client, clock: Clock) =>
  (event: SQSEvent): Promise<void> =>
    deliverToS3(stream, s3, clock, event.Records.map((record) => Buffer.from(record.body)));
