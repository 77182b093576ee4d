import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ForgottenUsers, InteractionArchive, TrainingState, TrainingStateStore } from '../core/recommendations/retraining';
import { S3Objects } from './s3-objects';

/** Where retraining's inputs and memory live in the `Models` bucket. */
export const RETRAINING_KEYS = {
  archive: 'archive/',
  deletions: 'deletions/',
  state: 'training/state.json',
} as const;

/** A user id as a deletion marker names it: the id itself is personal data and stays out of key listings. */
export const deletionKeyOf = (userId: string): string => `${RETRAINING_KEYS.deletions}${createHash('sha256').update(userId).digest('hex')}`;

/**
 * The raw event archive Kinesis Data Firehose writes under `archive/`: GZIP objects of newline-delimited
 * ingested events. `since` selects by the object's write time, which is never earlier than its events'
 * arrival: a few events of the previous night may be read again, never missed.
 */
export class S3InteractionArchive implements InteractionArchive {
  private readonly objects: S3Objects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new S3Objects(client, bucket);
  }

  async *lines(since?: Date): AsyncIterable<string> {
    for await (const object of this.objects.list(RETRAINING_KEYS.archive)) {
      if (since && object.lastModified < since) continue;
      const body = await this.objects.read(object.key);
      if (!body) continue;
      const text = isGzip(body) ? gunzipSync(body).toString('utf8') : Buffer.from(body).toString('utf8');
      for (const line of text.split('\n')) if (line.trim()) yield line;
    }
  }
}

/** `training/state.json`; an absent file is the state of a deployment that never trained. */
export class S3TrainingStateStore implements TrainingStateStore {
  private readonly objects: S3Objects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new S3Objects(client, bucket);
  }

  async load(): Promise<TrainingState> {
    const body = await this.objects.read(RETRAINING_KEYS.state);
    return body ? (JSON.parse(Buffer.from(body).toString('utf8')) as TrainingState) : {};
  }

  async save(state: TrainingState): Promise<void> {
    await this.objects.write(RETRAINING_KEYS.state, `${JSON.stringify(state, null, 2)}\n`, 'application/json');
  }
}

/** Deletion requests: one empty object per forgotten user, `deletions/<sha256 of the user id>`. */
export class S3ForgottenUsers implements ForgottenUsers {
  private readonly objects: S3Objects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new S3Objects(client, bucket);
  }

  async load(): Promise<(userId: string) => boolean> {
    const keys = new Set<string>();
    for await (const object of this.objects.list(RETRAINING_KEYS.deletions)) keys.add(object.key);
    return (userId) => keys.has(deletionKeyOf(userId));
  }

  /** Records a deletion request: from the next training on, the user's interactions are left out. */
  async forget(userId: string): Promise<string> {
    const key = deletionKeyOf(userId);
    // Only the key counts; an empty body would have the SDK warn of a body of unknown length.
    await this.objects.write(key, 'forgotten\n', 'text/plain');
    return key;
  }
}

const isGzip = (body: Uint8Array): boolean => body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
