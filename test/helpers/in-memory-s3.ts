import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * An S3 bucket in memory behind a real S3Client (aws-sdk-client-mock answers GetObject, PutObject and
 * ListObjectsV2 from a map): S3 has no emulator here. Objects keep their write time, which tests set.
 */
export const inMemoryS3 = (now: () => Date = () => new Date()) => {
  const objects = new Map<string, { body: Buffer; lastModified: Date }>();
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string | Uint8Array }) => {
    objects.set(input.Key, { body: Buffer.from(input.Body as Uint8Array), lastModified: now() });
    return { ETag: '"etag"' };
  });
  mock.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const object = objects.get(input.Key);
    if (!object) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    // The part of the SDK's stream mixin the adapters use.
    const body = { transformToByteArray: async () => new Uint8Array(object.body) } as unknown as GetObjectCommandOutput['Body'];
    return { Body: body, LastModified: object.lastModified };
  });
  mock.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string }) => ({
    Contents: [...objects.entries()]
      .filter(([key]) => key.startsWith(input.Prefix ?? ''))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([Key, { lastModified }]) => ({ Key, LastModified: lastModified })),
    IsTruncated: false,
  }));
  return {
    client,
    mock,
    objects,
    /** Puts an object as if written at `at`. */
    put: (key: string, body: string | Buffer, at: Date) => objects.set(key, { body: Buffer.from(body), lastModified: at }),
  };
};
