import { profileKeyOf, type IngestedEvent } from './pipeline-event';
import { validateIngestedEvent, type FieldError } from './validate-event';

/** A stream record as the core sees it: Lambda's shape without the AWS types. */
export interface EncodedRecord {
  sequenceNumber: string;
  partitionKey: string;
  /** base64 */
  data: string;
}

export interface DecodedEvent {
  sequenceNumber: string;
  profileKey: string;
  event: IngestedEvent;
}

export interface PoisonRecord {
  sequenceNumber: string;
  partitionKey: string;
  data: string;
  reason: 'UNDECODABLE' | 'SCHEMA_INVALID';
  errors: FieldError[];
}

/**
 * Decodes and re-validates stream records. Ingest validated them already; this guards against other
 * producers and old contract versions. Bad records come back as poison with a reason, never as a throw,
 * so they can be parked without blocking the valid ones.
 */
export const decodeRecords = (records: readonly EncodedRecord[]): { events: DecodedEvent[]; poison: PoisonRecord[] } => {
  const events: DecodedEvent[] = [];
  const poison: PoisonRecord[] = [];
  for (const record of records) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(record.data, 'base64').toString('utf8'));
    } catch {
      poison.push({ ...record, reason: 'UNDECODABLE', errors: [{ path: '', code: 'WRONG_TYPE', message: 'is not JSON' }] });
      continue;
    }
    const result = validateIngestedEvent(parsed);
    if (!result.ok) {
      poison.push({ ...record, reason: 'SCHEMA_INVALID', errors: result.errors });
      continue;
    }
    events.push({ sequenceNumber: record.sequenceNumber, profileKey: profileKeyOf(result.value), event: result.value });
  }
  return { events, poison };
};
