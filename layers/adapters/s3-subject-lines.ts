import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoreExport, SubjectStore, SubjectObjectStore } from '../core/compliance/subject-stores';
import { splitUserLines } from '../core/compliance/user-lines';
import { S3Objects } from './s3-objects';

/**
 * The user's lines in newline-delimited objects under one prefix (a day of the events archive or the
 * decisions export, or Personalize's CSV exports). Erasure rewrites each object that holds any, without
 * them, under the same key (the bucket is unversioned, so no older copy survives), and deletes an object
 * left empty. Rewriting, rather than deleting whole objects, keeps everyone else's data, which the
 * measurement SQL and the next training read.
 */
export class S3SubjectLines implements SubjectStore {
  private readonly objects: S3Objects;

  constructor(
    client: S3Client,
    bucket: string,
    readonly name: SubjectObjectStore,
    private readonly prefix: string,
  ) {
    this.objects = new S3Objects(client, bucket);
  }

  async export(userId: string): Promise<StoreExport> {
    const items: unknown[] = [];
    await this.eachObject(userId, async (_key, _body, removed) => void items.push(...removed.map(parseLine)));
    return { store: this.name, items };
  }

  async erase(userId: string): Promise<number> {
    let count = 0;
    await this.eachObject(userId, async (key, body, removed, kept) => {
      count += removed.length;
      if (kept.trim() === '') await this.objects.client.send(new DeleteObjectCommand({ Bucket: this.objects.bucket, Key: key }));
      else await this.objects.write(key, body.gzip ? gzipSync(kept) : kept, body.gzip ? 'application/gzip' : 'text/plain');
    });
    return count;
  }

  private async eachObject(userId: string, visit: (key: string, body: { gzip: boolean }, removed: string[], kept: string) => Promise<void>): Promise<void> {
    for await (const object of this.objects.list(this.prefix)) {
      const raw = await this.objects.read(object.key);
      if (!raw) continue;
      const gzip = raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b;
      const { kept, removed } = splitUserLines((gzip ? gunzipSync(raw) : Buffer.from(raw)).toString('utf8'), userId);
      if (kept !== undefined) await visit(object.key, { gzip }, removed, kept);
    }
  }
}

const parseLine = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
};

/**
 * The partitions of a Firehose prefix (`<prefix>YYYY/MM/DD/`) that hold objects, from one listing of
 * the prefix: a request per 1,000 objects (two years of five-minute objects are about 210 requests).
 * Delimited listings would be fewer, but s3rver does not answer them below the first level.
 */
export const dayPartitions = async (client: S3Client, bucket: string, prefix: string): Promise<string[]> => {
  const days = new Set<string>();
  for await (const object of new S3Objects(client, bucket).list(prefix)) {
    const day = /^(\d{4}\/\d{2}\/\d{2}\/)/.exec(object.key.slice(prefix.length))?.[1];
    if (day) days.add(`${prefix}${day}`);
  }
  return [...days].sort();
};
