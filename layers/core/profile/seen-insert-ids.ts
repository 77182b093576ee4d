import { createHash } from 'node:crypto';

/**
 * How many insertIds a profile remembers for deduplication: at least as many as one Kinesis batch
 * (`batchSize` 500, infra/constructs/processing.ts) and one request to the endpoint (500 events) can hold,
 * so a replayed Kinesis batch or a retried client request is caught in full even when all its events are
 * one user's. (Lambda retries a batch from its checkpoint, so what it replays was applied since then: at
 * most one batch.)
 */
export const RECENT_INSERT_IDS_LIMIT = 500;

/**
 * Bytes kept per insertId: the first 48 bits of its SHA-256. A new event is mistaken for a duplicate
 * only when its fingerprint equals one of the (at most) 500 remembered: probability ≤ 500 / 2^48 ≈
 * 1.8 × 10⁻¹², about one event lost in 560 billion. Raw insertIds (8–64 characters) cost up to 11 times
 * as much, and every byte is written with every profile write.
 */
export const INSERT_ID_FINGERPRINT_BYTES = 6;

/** The most the deduplication window takes in a profile item: 3,000 bytes, whatever the insertIds look like. */
export const SEEN_INSERT_IDS_MAX_BYTES = RECENT_INSERT_IDS_LIMIT * INSERT_ID_FINGERPRINT_BYTES;

/** An insertId's fingerprint as a number (48 bits fit a double exactly). */
export const fingerprintOf = (insertId: string): number => createHash('sha256').update(insertId).digest().readUIntBE(0, INSERT_ID_FINGERPRINT_BYTES);

/** The fingerprints in a window, for lookups. */
export const seenFingerprints = (seen: Uint8Array): Set<number> => {
  const fingerprints = new Set<number>();
  const bytes = Buffer.from(seen.buffer, seen.byteOffset, seen.byteLength);
  for (let at = 0; at + INSERT_ID_FINGERPRINT_BYTES <= bytes.length; at += INSERT_ID_FINGERPRINT_BYTES) {
    fingerprints.add(bytes.readUIntBE(at, INSERT_ID_FINGERPRINT_BYTES));
  }
  return fingerprints;
};

/** The window with these insertIds appended (oldest first), keeping the newest {@link RECENT_INSERT_IDS_LIMIT}. */
export const rememberInsertIds = (seen: Uint8Array, insertIds: readonly string[]): Uint8Array => {
  const added = Buffer.alloc(insertIds.length * INSERT_ID_FINGERPRINT_BYTES);
  insertIds.forEach((insertId, i) => added.writeUIntBE(fingerprintOf(insertId), i * INSERT_ID_FINGERPRINT_BYTES, INSERT_ID_FINGERPRINT_BYTES));
  const all = Buffer.concat([seen, added]);
  // A plain Uint8Array, as the DynamoDB document client reads binaries back.
  return new Uint8Array(all.subarray(Math.max(0, all.length - SEEN_INSERT_IDS_MAX_BYTES)));
};
