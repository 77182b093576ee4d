import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bannersPrefix, INBOX_ITEMS_PREFIX, sortKeyOf, type InboxMessage, type InboxStateField } from '../core/inbox/inbox-message';
import type { InboxStore } from '../core/ports';

/** The TTL attribute (epoch seconds of `expiresAt`): DynamoDB removes a message within days of it; reads hide it from its expiry on. */
export const INBOX_TTL_ATTRIBUTE = 'ttl';

/** Banners read at most per fetch: a slot shows one or a few, and caps keep a user's count low. */
const MAX_BANNERS = 50;

/** One item of the Inbox table: pk `userId`, sk `sk` (see sortKeyOf), TTL `ttl` (epoch seconds of `expiresAt`). */
type InboxItem = InboxMessage & { sk: string; ttl: number };

/**
 * The Inbox table. A page is one Query read backwards (eventually consistent: half a read unit per
 * 4 KB read), banners one more; marks are UpdateItem with `if_not_exists`, so the first time stands.
 */
export class DynamoInbox implements InboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(message: InboxMessage): Promise<void> {
    const item: InboxItem = { ...message, sk: sortKeyOf(message), ttl: Math.ceil(Date.parse(message.expiresAt) / 1000) };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  page(userId: string, limit: number, after?: string): Promise<{ messages: InboxMessage[]; next?: string }> {
    return this.newestFirst(userId, INBOX_ITEMS_PREFIX, limit, after);
  }

  async banners(userId: string, slot?: string): Promise<InboxMessage[]> {
    return (await this.newestFirst(userId, bannersPrefix(slot), MAX_BANNERS)).messages;
  }

  /** One Query of the user's sort keys under `prefix`, read backwards: newest first. */
  private async newestFirst(userId: string, prefix: string, limit: number, after?: string): Promise<{ messages: InboxMessage[]; next?: string }> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'userId = :user AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':user': userId, ':prefix': prefix },
        ScanIndexForward: false,
        Limit: limit,
        ...(after && { ExclusiveStartKey: { userId, sk: after } }),
      }),
    );
    const next = result.LastEvaluatedKey?.sk as string | undefined;
    return { messages: (result.Items ?? []).map(toMessage), ...(next && { next }) };
  }

  async get(userId: string, sortKey: string): Promise<InboxMessage | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { userId, sk: sortKey } }));
    return Item ? toMessage(Item) : undefined;
  }

  async mark(userId: string, sortKey: string, fields: readonly InboxStateField[], at: Date): Promise<InboxMessage | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId, sk: sortKey },
          UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = if_not_exists(#f${index}, :at)`).join(', ')}`,
          // Never create an item: a message that expired and was removed stays gone.
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map((field, index) => [`#f${index}`, field])),
          ExpressionAttributeValues: { ':at': at.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toMessage(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

const toMessage = (item: Record<string, unknown>): InboxMessage => {
  const { sk: _sk, ttl: _ttl, ...message } = item as unknown as InboxItem;
  return message;
};
