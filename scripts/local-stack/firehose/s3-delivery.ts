import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { Clock } from '../../../layers/core/clock';
import type { ResolvedDeliveryStream } from '../template/resolve-delivery-streams';

/**
 * What Kinesis Data Firehose does with a buffer of records for an S3 destination, as a handler the
 * Kinesis poller can call: concatenate the records (a newline after each with AppendDelimiterToRecord),
 * compress, and write one object under `<prefix>YYYY/MM/DD/HH/` named as Firehose names them.
 */
export const s3DeliveryHandler =
  (stream: ResolvedDeliveryStream, s3: S3Client, clock: Clock) =>
  async (event: KinesisStreamEvent): Promise<void> => {
    if (event.Records.length === 0) return;
    const body = Buffer.concat(
      event.Records.map((record) => {
        const data = Buffer.from(record.kinesis.data, 'base64');
        return stream.newlineDelimited ? Buffer.concat([data, Buffer.from('\n')]) : data;
      }),
    );
    const at = clock().toISOString();
    const [date, time] = [at.slice(0, 10), at.slice(11, 19)];
    const key = `${stream.prefix}${date.replaceAll('-', '/')}/${time.slice(0, 2)}/${stream.logicalId}-1-${date}-${time.replaceAll(':', '-')}-${randomUUID()}${stream.gzip ? '.gz' : ''}`;
    const object = stream.gzip ? gzipSync(body) : body;
    await s3.send(new PutObjectCommand({ Bucket: stream.bucket, Key: key, Body: object, ContentLength: object.length }));
  };
