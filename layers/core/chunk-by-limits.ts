/**
 * Splits items into consecutive chunks of at most `maxCount` items and `maxBytes` bytes (an item larger
 * than `maxBytes` gets a chunk of its own). Batch APIs limit both: PutRecords, the ingest endpoint.
 */
export const chunkByLimits = <T>(
  items: readonly T[],
  { maxCount, maxBytes, sizeOf, overheadBytes = 0 }: { maxCount: number; maxBytes: number; sizeOf: (item: T) => number; overheadBytes?: number },
): T[][] => {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = overheadBytes;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length === maxCount || (current.length > 0 && bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = overheadBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};
