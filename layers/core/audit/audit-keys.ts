/**
 * Key scheme of the audit trail: one partition per UTC month (`AUDIT#2026-12`), sorted by time
 * (`<at>#<entry id>`). Administrative actions are a handful a day, so a month partition stays far
 * below a partition's limits, and a quarter is read with three or four Queries instead of a Scan.
 */
export const AUDIT_PARTITION_PREFIX = 'AUDIT#';

/** Default retention of audit entries: the last quarter plus a year, which the quarterly audit compares with. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;

const DAY_MS = 86_400_000;

/** The partition of an instant (ISO-8601). */
export const auditPartition = (at: string): string => `${AUDIT_PARTITION_PREFIX}${new Date(at).toISOString().slice(0, 7)}`;

export const auditSortKey = (at: string, entryId: string): string => `${new Date(at).toISOString()}#${entryId}`;

/** Every month partition that [from, to] touches, oldest first. */
export const auditPartitionsBetween = (from: string, to: string): string[] => {
  const start = new Date(from);
  const end = new Date(to);
  const partitions: string[] = [];
  for (let month = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1); month <= end.getTime(); ) {
    partitions.push(auditPartition(new Date(month).toISOString()));
    const next = new Date(month);
    month = Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1);
  }
  return partitions;
};

/** When DynamoDB's TTL may delete an entry (epoch seconds). */
export const auditExpiresAt = (at: string, retentionDays: number): number => Math.floor((new Date(at).getTime() + retentionDays * DAY_MS) / 1_000);
