import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Intent } from '../core/messaging/intent';
import type { MessageLog, MessageOutcome } from '../core/ports';

/** How long decisions are kept for "why did (not) this user get it?" before DynamoDB's TTL removes them. */
const RETENTION_DAYS = 90;

/**
 * The message log in the Messages table: one item per message id under the user (`sk = MSG#<id>`).
 * Claiming is a conditional put, so two deliveries of one intent cannot both pass.
 */
export class DynamoMessageLog implements MessageLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(intent: Intent, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(intent),
            messageId: intent.messageId,
            campaignId: intent.campaignId,
            channel: intent.channel,
            occurrence: intent.occurrence,
            status: 'claimed',
            claimedAt: at.toISOString(),
            expiresAt: Math.floor(at.getTime() / 1000) + RETENTION_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async record(intent: Intent, outcome: MessageOutcome, at: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(intent),
        UpdateExpression: 'SET #status = :status, decidedAt = :at, detail = :detail',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':at': at.toISOString(),
          ':detail': outcome.status === 'sent' ? outcome.providerMessageId : outcome.reason,
        },
      }),
    );
  }

  async release(intent: Intent): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: this.key(intent),
        ConditionExpression: '#status = :claimed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':claimed': 'claimed' },
      }),
    );
  }

  private key(intent: Intent) {
    return { userId: intent.userId, sk: `MSG#${intent.messageId}` };
  }
}
