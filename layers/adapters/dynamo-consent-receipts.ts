import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { receiptKeyOf, type ConsentReceipt, type ConsentStatement } from '../core/consent/consent-statements';
import type { ConsentReceipts } from '../core/ports';

/** Receipts written at once: bounds a batch's concurrent requests. */
const PUTS_AT_ONCE = 10;

/**
 * The `Consents` table (pk `userId`, sk `receipt`). Append-only: each receipt is a PutItem on condition
 * that its key is new, so a replayed statement keeps the first receipt (1 write unit each way: a refused
 * conditional put is billed too), and the writer needs no UpdateItem or DeleteItem.
 */
export class DynamoConsentReceipts implements ConsentReceipts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(userId: string, statements: readonly (ConsentStatement & { readonly recordedAt: string })[]): Promise<{ readonly written: number }> {
    let written = 0;
    for (let start = 0; start < statements.length; start += PUTS_AT_ONCE) {
      const results = await Promise.all(statements.slice(start, start + PUTS_AT_ONCE).map((statement) => this.put(userId, statement)));
      written += results.filter(Boolean).length;
    }
    return { written };
  }

  async history(userId: string): Promise<ConsentReceipt[]> {
    const receipts: ConsentReceipt[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': userId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      receipts.push(...((page.Items ?? []) as ConsentReceipt[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return receipts;
  }

  /** True when written, false when the receipt was already there (a replay). */
  private async put(userId: string, statement: ConsentStatement & { readonly recordedAt: string }): Promise<boolean> {
    const item: ConsentReceipt = { userId, receipt: receiptKeyOf(statement), ...statement };
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(userId)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
