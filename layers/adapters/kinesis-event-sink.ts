import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../core/contract/accept-batch';
import { PartialWriteError } from '../core/errors';
import type { EventSink } from '../core/ports';
import { retryRefused } from './retry-policy';

/** PutRecords' limits: 500 records and 5 MiB per call. */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

/**
 * Writes events to the Kinesis stream with PutRecords. Entries the stream refuses (throughput exceeded,
 * internal failure) are retried with backoff; if any are still refused, `put` throws, so the caller never
 * reports success for an event that was not stored.
 */
export class KinesisEventSink implements EventSink {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly options: { maxAttempts?: number; startingDelayMs?: number } = {},
  ) {}

  async put(records: readonly StreamRecord[]): Promise<void> {
    const entries = records.map(
      (record): PutRecordsRequestEntry => ({
        PartitionKey: record.partitionKey,
        Data: Buffer.from(JSON.stringify(record.event)),
      }),
    );
    for (const chunk of chunkByLimits(entries)) {
      const errorCodes: string[] = [];
      const refused = await retryRefused(
        chunk,
        async (pending) => {
          const { Records = [] } = await this.client.send(
            new PutRecordsCommand({ StreamName: this.streamName, Records: [...pending] }),
          );
          // Results come back in request order; an entry with an ErrorCode was not stored.
          return pending.filter((_, i) => {
            const code = Records[i]?.ErrorCode;
            if (code) errorCodes.push(code);
            return code !== undefined;
          });
        },
        this.options,
      );
      if (refused.length > 0) throw new PartialWriteError(this.streamName, refused.length, errorCodes);
    }
  }
}

const chunkByLimits = (entries: PutRecordsRequestEntry[]): PutRecordsRequestEntry[][] => {
  const chunks: PutRecordsRequestEntry[][] = [];
  let current: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '');
    if (current.length === MAX_RECORDS_PER_CALL || (current.length > 0 && bytes + size > MAX_BYTES_PER_CALL)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};
