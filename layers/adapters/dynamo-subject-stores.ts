import { BatchWriteCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PartialWriteError } from '../core/errors';
import type { StoreExport, SubjectStore, SubjectTable } from '../core/compliance/subject-stores';
import { retryRefused } from './retry-policy';

/** BatchWriteItem's limit. */
const DELETES_PER_BATCH = 25;

/** Where a table keeps one user's items: one partition, optionally only the sort keys with a prefix. */
export interface UserPartition {
  readonly name: SubjectTable;
  readonly tableName: string;
  readonly partitionKey: string;
  /** The sort key's attribute name; absent on a table keyed by user alone. */
  readonly sortKey?: string;
  readonly partitionOf: (userId: string) => string;
  readonly sortKeyPrefix?: string;
  /** Shapes an item for the export (e.g. encrypted fields shown masked). */
  readonly exportItem?: (item: Record<string, unknown>) => unknown;
  readonly exportNote?: string;
}

/**
 * A user's items in a DynamoDB table, found by key (a Query of their partition: no Scan, whatever the
 * table's size) and deleted with BatchWriteItem. Aggregates (counters, arm totals) live in other
 * partitions and are left as they are.
 */
export class DynamoSubjectStore implements SubjectStore {
  readonly name: SubjectTable;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly partition: UserPartition,
  ) {
    this.name = partition.name;
  }

  async export(userId: string): Promise<StoreExport> {
    const items = await this.items(userId);
    const shape = this.partition.exportItem ?? ((item) => item);
    return { store: this.name, items: items.map(shape), ...(this.partition.exportNote && items.length > 0 && { note: this.partition.exportNote }) };
  }

  async erase(userId: string): Promise<number> {
    const { tableName, partitionKey, sortKey } = this.partition;
    const keys = (await this.items(userId)).map((item) => ({ [partitionKey]: item[partitionKey], ...(sortKey && { [sortKey]: item[sortKey] }) }));
    for (let start = 0; start < keys.length; start += DELETES_PER_BATCH) {
      const requests = keys.slice(start, start + DELETES_PER_BATCH).map((Key) => ({ DeleteRequest: { Key } }));
      const left = await retryRefused(requests, async (pending) => {
        const { UnprocessedItems } = await this.client.send(new BatchWriteCommand({ RequestItems: { [tableName]: [...pending] } }));
        return (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      });
      if (left.length > 0) throw new PartialWriteError(this.name, left.length, ["UnprocessedItems"]);
    }
    return keys.length;
  }

  private async items(userId: string): Promise<Record<string, unknown>[]> {
    const { tableName, partitionKey, sortKey, sortKeyPrefix, partitionOf } = this.partition;
    const prefixed = sortKey !== undefined && sortKeyPrefix !== undefined;
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: tableName,
        KeyConditionExpression: prefixed ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey, ...(prefixed && { '#sk': sortKey }) },
        ExpressionAttributeValues: { ':pk': partitionOf(userId), ...(prefixed && { ':prefix': sortKeyPrefix }) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    return items;
  }
}
