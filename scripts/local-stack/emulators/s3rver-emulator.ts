import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS, type RunningEmulator } from './emulator';
import { LOOPBACK } from './free-port';

/**
 * s3rver's account model: it only accepts the access keys registered on its dummy account (`S3RVER`
 * out of the box). The local stack signs with {@link LOCAL_CREDENTIALS} like every other emulator.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };

/**
 * Starts s3rver (an S3 REST API emulator from npm) in this process on a free 127.0.0.1 port, storing
 * objects in a temporary folder that stop() removes. SDK v3 clients use path-style requests against an
 * IP endpoint by themselves, so they need nothing but the endpoint.
 */
export const startS3rver = async (): Promise<RunningEmulator> => {
  DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
  const directory = await mkdtemp(join(tmpdir(), 'local-s3-'));
  const server = new S3rver({ address: LOOPBACK, port: 0, silent: true, directory });
  const { port } = await server.run();
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    stop: async () => {
      await server.close().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
};
