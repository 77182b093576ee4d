import type { Server } from 'node:http';
import kinesalite from 'kinesalite';
import { listenOnLoopback, LOOPBACK } from './free-port';
import type { EmulatorIdentity, RunningEmulator } from './emulator';
import { closeHttpServer } from './close-http-server';

/**
 * Starts kinesalite in this process, in memory, on a free 127.0.0.1 port. Streams become ACTIVE at
 * once (the default is a 500 ms CREATING phase per operation).
 *
 * kinesalite reads the account and region for its ARNs from AWS_ACCOUNT_ID and AWS_REGION when the
 * server is created; they are set for that moment only, so stream ARNs match the other emulators'.
 * Clients need `requestHandler: new NodeHttpHandler()`: the Kinesis client would otherwise use
 * HTTP/2, which kinesalite does not speak.
 */
export const startKinesalite = async (identity: EmulatorIdentity): Promise<RunningEmulator> => {
  const saved = { account: process.env.AWS_ACCOUNT_ID, region: process.env.AWS_REGION };
  let server: Server;
  try {
    process.env.AWS_ACCOUNT_ID = identity.accountId;
    process.env.AWS_REGION = identity.region;
    server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  } finally {
    restoreEnv('AWS_ACCOUNT_ID', saved.account);
    restoreEnv('AWS_REGION', saved.region);
  }
  const port = await listenOnLoopback(server);
  return { endpoint: `http://${LOOPBACK}:${port}`, port, stop: () => closeHttpServer(server) };
};

const restoreEnv = (name: string, value: string | undefined): void => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};
