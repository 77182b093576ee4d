import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ANALYTICS_TABLES } from '../../infra/analytics/tables';

/**
 * Copies the tables' objects (`archive/…`, `decisions/…`) of a bucket into `dir` under the same keys,
 * for DuckDB to read. s3rver keeps its objects in a temporary folder of its own layout, so the S3 API
 * is the way in; the same works against a real bucket. Returns the number of objects copied.
 */
export const downloadAnalyticsObjects = async (s3: S3Client, bucket: string, dir: string): Promise<number> => {
  let copied = 0;
  for (const table of ANALYTICS_TABLES) {
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: table.prefix, ...(ContinuationToken && { ContinuationToken }) }));
      for (const { Key } of page.Contents ?? []) {
        if (!Key) continue;
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const file = join(dir, Key);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, await object.Body!.transformToByteArray());
        copied++;
      }
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
  }
  return copied;
};
