import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { closeHttpServer } from './close-http-server';
import { listenOnLoopback, LOOPBACK } from './free-port';
import type { RunningEmulator } from './emulator';

/** Where a stream's records go: resolves once they are delivered (locally, to S3 at once). */
export type FirehoseSink = (records: readonly Buffer[]) => Promise<void>;

/** The local Firehose endpoint (`AWS_ENDPOINT_URL_FIREHOSE`). */
export interface FirehoseDirectPutServer extends RunningEmulator {
  /** Makes the next `count` records put (over any calls) come back refused, as Firehose throttling does. */
  refuseNext(count: number): void;
  /** What was put so far: calls, records taken, and the bytes Firehose would bill (per record, in 5 KB steps). */
  readonly stats: FirehosePutStats;
}

export interface FirehosePutStats {
  calls: number;
  records: number;
  bytes: number;
  billedBytes: number;
}

/** Firehose bills ingestion per record, rounded up to the next 5 KB. */
const BILLING_STEP_BYTES = 5 * 1024;

/** Firehose's limits: 500 records and 4 MiB per PutRecordBatch, 1,000 KiB per record. */
const MAX_RECORDS = 500;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_RECORD_BYTES = 1_000 * 1024;

/**
 * A server of the Firehose JSON 1.1 wire protocol (`X-Amz-Target: Firehose_20150804.PutRecordBatch` or
 * `.PutRecord`) for Direct PUT streams, so the real SDK client talks to it. Each call's records are
 * delivered before the answer (a buffer of one call instead of Firehose's minutes): what a function put
 * is in the bucket when its invocation ends. Other operations and unknown streams get Firehose's errors.
 */
export const startFirehoseDirectPut = async (streams: ReadonlyMap<string, FirehoseSink>): Promise<FirehoseDirectPutServer> => {
  let refusals = 0;
  const stats: FirehosePutStats = { calls: 0, records: 0, bytes: 0, billedBytes: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^Firehose_20150804\./, '');
      let input: { DeliveryStreamName?: string; Records?: { Data?: string }[]; Record?: { Data?: string } };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(res, 400, { __type: 'SerializationException', message: 'the body is not JSON' });
      }
      const sink = streams.get(input.DeliveryStreamName ?? '');
      if (operation !== 'PutRecordBatch' && operation !== 'PutRecord') return reply(res, 400, { __type: 'UnknownOperationException', message: `${operation} is not served locally` });
      if (!sink) return reply(res, 400, { __type: 'ResourceNotFoundException', message: `Firehose ${input.DeliveryStreamName} not found` });
      const records = (operation === 'PutRecord' ? [input.Record] : (input.Records ?? [])).map((r) => Buffer.from(r?.Data ?? '', 'base64'));
      const invalid = invalidBatch(records);
      if (invalid) return reply(res, 400, { __type: 'InvalidArgumentException', message: invalid });
      const refused = records.map(() => refusals > 0 && refusals-- > 0);
      const taken = records.filter((_, i) => !refused[i]);
      stats.calls++;
      for (const record of taken) {
        stats.records++;
        stats.bytes += record.length;
        stats.billedBytes += Math.ceil(record.length / BILLING_STEP_BYTES) * BILLING_STEP_BYTES;
      }
      sink(taken).then(
        () => {
          const responses = refused.map((no) => (no ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: randomUUID() }));
          if (operation === 'PutRecord') return refused[0] ? reply(res, 400, { __type: 'ServiceUnavailableException', message: 'Slow down.' }) : reply(res, 200, { RecordId: responses[0]!.RecordId, Encrypted: true });
          return reply(res, 200, { FailedPutCount: refused.filter(Boolean).length, Encrypted: true, RequestResponses: responses });
        },
        (error: Error) => reply(res, 500, { __type: 'ServiceUnavailableException', message: `local delivery failed: ${error.name}` }),
      );
    });
    req.on('error', () => res.destroy());
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    refuseNext: (count) => void (refusals = count),
    stats,
    stop: () => closeHttpServer(server),
  };
};

const invalidBatch = (records: readonly Buffer[]): string | undefined => {
  if (records.length === 0 || records.length > MAX_RECORDS) return `a batch holds 1 to ${MAX_RECORDS} records`;
  if (records.some((r) => r.length === 0 || r.length > MAX_RECORD_BYTES)) return `a record holds 1 byte to ${MAX_RECORD_BYTES} bytes`;
  if (records.reduce((sum, r) => sum + r.length, 0) > MAX_BATCH_BYTES) return `a batch holds at most ${MAX_BATCH_BYTES} bytes`;
  return undefined;
};

const reply = (res: ServerResponse, status: number, body: object): void => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
};
