import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditExpiresAt, auditPartition, auditPartitionsBetween, auditSortKey, DEFAULT_AUDIT_RETENTION_DAYS } from '../core/audit/audit-keys';
import type { AuditAction, AuditEntry, AuditTrail } from '../core/audit/audit-trail';

/** One item of the Audit table. */
interface AuditItem {
  pk: string;
  sk: string;
  at: string;
  actor: string;
  action: AuditAction;
  target: string;
  /** The detail as JSON text: a diff may hold values (empty strings, mixed arrays) a DynamoDB map would alter. */
  detail?: string;
  /** TTL (epoch seconds): `pipeline:auditRetentionDays` after `at`. */
  expiresAt: number;
}

/** Largest detail kept whole; an item may not exceed 400 KB, and a bigger diff is a replaced definition anyway. */
export const MAX_AUDIT_DETAIL_BYTES = 64 * 1024;

/** An entry with the same key already exists: the trail is append-only, so it was refused. */
export class AuditEntryExistsError extends Error {
  override readonly name = 'AuditEntryExistsError';
}

/**
 * The audit trail in DynamoDB. Append-only: every write is a PutItem conditional on the key not
 * existing, and no code path updates or deletes (IAM grants writers `dynamodb:PutItem` only); entries
 * leave only by TTL after the retention.
 */
export class DynamoAuditTrail implements AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly retentionDays?: number; readonly newId?: () => string } = {},
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const item: AuditItem = {
      pk: auditPartition(entry.at),
      sk: auditSortKey(entry.at, (this.options.newId ?? randomUUID)()),
      at: new Date(entry.at).toISOString(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      ...(entry.detail !== undefined && { detail: boundedDetail(entry.detail) }),
      expiresAt: auditExpiresAt(entry.at, this.options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS),
    };
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AuditEntryExistsError(`audit entry ${item.pk} ${item.sk} exists`, { cause: error });
      throw error;
    }
  }

  /** Entries with `from <= at <= to`, oldest first; action and actor filter on the server side. */
  async list(query: { readonly from: string; readonly to: string; readonly action?: AuditAction; readonly actor?: string }): Promise<AuditEntry[]> {
    const values: Record<string, unknown> = { ':from': new Date(query.from).toISOString(), ':to': `${new Date(query.to).toISOString()}#\uffff` };
    const equal = { action: query.action, actor: query.actor };
    const filtered = Object.entries(equal).filter((pair): pair is [string, string] => pair[1] !== undefined);
    for (const [name, value] of filtered) values[`:${name}`] = value;
    const filter = filtered.length === 0 ? {} : {
      FilterExpression: filtered.map(([name]) => `#${name} = :${name}`).join(' AND '),
      ExpressionAttributeNames: Object.fromEntries(filtered.map(([name]) => [`#${name}`, name])),
    };
    const entries: AuditEntry[] = [];
    for (const partition of auditPartitionsBetween(query.from, query.to)) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ...values, ':pk': partition },
          ...filter,
        },
      );
      for await (const page of pages) entries.push(...((page.Items ?? []) as AuditItem[]).map(toEntry));
    }
    return entries;
  }
}

const boundedDetail = (detail: Record<string, unknown>): string => {
  const text = JSON.stringify(detail);
  return Buffer.byteLength(text) <= MAX_AUDIT_DETAIL_BYTES ? text : JSON.stringify({ truncated: true, bytes: Buffer.byteLength(text) });
};

const toEntry = (item: AuditItem): AuditEntry => ({
  at: item.at,
  actor: item.actor,
  action: item.action,
  target: item.target,
  ...(item.detail !== undefined && { detail: JSON.parse(item.detail) as Record<string, unknown> }),
});
