import type { IngestedEvent } from '../contract/pipeline-event';

/** Contact addresses an `identify` carries: the profile keeps them (encrypted), the archive never does. */
const CONTACT_FIELDS = ['phoneNumber', 'pushEndpointArn'] as const;

/**
 * Firehose bills ingestion per record in 5 KB steps, and takes records of up to 1,000 KiB. Lines are
 * packed into records up to this size, so an event costs its own bytes, not a 5 KB step of its own.
 */
export const ARCHIVE_RECORD_MAX_BYTES = 1_000 * 1024;

/** An event as the archive keeps it: one JSON line, an `identify` without its contact addresses. */
export const archiveLineOf = (event: IngestedEvent): string => {
  if (event.type !== 'identify' || !event.properties) return `${JSON.stringify(event)}\n`;
  const properties = { ...event.properties };
  for (const field of CONTACT_FIELDS) delete properties[field];
  return `${JSON.stringify({ ...event, properties })}\n`;
};

/** Packs newline-terminated lines into records of at most {@link ARCHIVE_RECORD_MAX_BYTES} (a longer line gets a record of its own). */
export const packArchiveRecords = (lines: readonly string[]): Buffer[] => {
  const records: Buffer[] = [];
  let current: Buffer[] = [];
  let bytes = 0;
  for (const line of lines) {
    const data = Buffer.from(line);
    if (current.length > 0 && bytes + data.length > ARCHIVE_RECORD_MAX_BYTES) {
      records.push(Buffer.concat(current));
      current = [];
      bytes = 0;
    }
    current.push(data);
    bytes += data.length;
  }
  if (current.length > 0) records.push(Buffer.concat(current));
  return records;
};
