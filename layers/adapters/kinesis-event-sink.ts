import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../core/contract/accept-batch';
import { chunkByLimits } from '../core/chunk-by-limits';
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
    const chunks = chunkByLimits(entries, {
      maxCount: MAX_RECORDS_PER_CALL,
      maxBytes: MAX_BYTES_PER_CALL,
      sizeOf: (entry) => (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? ''),
    });
    for (const chunk of chunks) {
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
