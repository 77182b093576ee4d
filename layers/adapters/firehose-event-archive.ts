import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { archiveLineOf, packArchiveRecords } from '../core/archive/archive-lines';
import { chunkByLimits } from '../core/chunk-by-limits';
import type { IngestedEvent } from '../core/contract/pipeline-event';
import { PartialWriteError } from '../core/errors';
import type { EventArchive } from '../core/ports';
import { retryRefused } from './retry-policy';

/** PutRecordBatch's limits: 500 records and 4 MiB per call. */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 4 * 1024 * 1024;

/**
 * The events archive through a Direct PUT Firehose stream: events as JSON lines (identify without contact
 * addresses), several per Firehose record. Records Firehose refuses (`FailedPutCount`, an `ErrorCode` per
 * entry) are retried with backoff; if any are still refused, `put` throws, so the caller never takes an
 * event as archived that was not.
 */
export class FirehoseEventArchive implements EventArchive {
  constructor(
    private readonly client: FirehoseClient,
    private readonly streamName: string,
    private readonly options: { maxAttempts?: number; startingDelayMs?: number } = {},
  ) {}

  async put(events: readonly IngestedEvent[]): Promise<{ readonly records: number; readonly bytes: number }> {
    const records = packArchiveRecords(events.map(archiveLineOf));
    for (const chunk of chunkByLimits(records, { maxCount: MAX_RECORDS_PER_CALL, maxBytes: MAX_BYTES_PER_CALL, sizeOf: (r) => r.length })) {
      const errorCodes: string[] = [];
      const refused = await retryRefused(
        chunk,
        async (pending) => {
          const { FailedPutCount = 0, RequestResponses = [] } = await this.client.send(
            new PutRecordBatchCommand({ DeliveryStreamName: this.streamName, Records: pending.map((Data) => ({ Data })) }),
          );
          if (FailedPutCount === 0) return [];
          // Responses come back in request order; an entry with an ErrorCode was not taken.
          return pending.filter((_, i) => {
            const code = RequestResponses[i]?.ErrorCode;
            if (code) errorCodes.push(code);
            return code !== undefined;
          });
        },
        this.options,
      );
      if (refused.length > 0) throw new PartialWriteError(this.streamName, refused.length, errorCodes);
    }
    return { records: records.length, bytes: records.reduce((sum, r) => sum + r.length, 0) };
  }
}
