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

/**
 * Why a record is parked in the events DLQ (`kind: PoisonRecord`):
 * - `UNDECODABLE`: not JSON;
 * - `SCHEMA_INVALID`: not an event of the contract (another producer, an older contract, a rule added since);
 * - `UNUSABLE`: valid, but the profile cannot take it (an order total beyond the numbers it keeps, traits
 *   that outgrow the item: see `refusalOf` in fold-profile.ts).
 */
export type PoisonReason = 'UNDECODABLE' | 'SCHEMA_INVALID' | 'UNUSABLE';

export interface PoisonRecord {
  sequenceNumber: string;
  partitionKey: string;
  data: string;
  reason: PoisonReason;
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

/**
 * The records of `refused` (by sequence number) as poison to park with `reason`, carrying the record
 * itself so it can be fixed and replayed.
 */
export const poisonOf = (
  records: readonly EncodedRecord[],
  refused: readonly { sequenceNumber: string; errors: FieldError[] }[],
  reason: PoisonReason,
): PoisonRecord[] => {
  const bySequence = new Map(records.map((record) => [record.sequenceNumber, record]));
  return refused.map(({ sequenceNumber, errors }) => {
    const record = bySequence.get(sequenceNumber);
    // Only a bug gets here; failing the batch keeps the record in the stream rather than losing it.
    if (!record) throw new Error(`no record with sequence number ${sequenceNumber} in the batch`);
    return { ...record, reason, errors };
  });
};
