import { FirehoseClient } from '@aws-sdk/client-firehose';
import { startFirehoseDirectPut, type FirehoseDirectPutServer } from '../../scripts/local-stack/emulators/firehose-direct-put';

/** The local Firehose endpoint for one Direct PUT stream, keeping what is put in memory, and a real SDK client for it. */
export const startLocalFirehose = async (streamName: string): Promise<{ client: FirehoseClient; server: FirehoseDirectPutServer; records: Buffer[]; stop(): Promise<void> }> => {
  const records: Buffer[] = [];
  const server = await startFirehoseDirectPut(new Map([[streamName, async (taken) => void records.push(...taken)]]));
  const client = new FirehoseClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 });
  return {
    client,
    server,
    records,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
};
