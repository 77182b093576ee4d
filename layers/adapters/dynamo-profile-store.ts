import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  paginateScan,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { PartialWriteError, ProfileVersionConflictError } from '../core/errors';
import type { ProfileStore } from '../core/ports';
import { withDefaults, type Profile } from '../core/profile/profile';
import { retryRefused } from './retry-policy';

/** BatchGetItem's limit. */
const KEYS_PER_BATCH_GET = 100;

/** Profiles in DynamoDB, one item per user keyed by `userId`, guarded by a `version` attribute. */
export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(userId: string): Promise<Profile | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { userId }, ConsistentRead: true }),
    );
    return Item ? withDefaults(Item as Profile) : undefined;
  }

  async loadMany(userIds: readonly string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    for (let start = 0; start < userIds.length; start += KEYS_PER_BATCH_GET) {
      const keys = userIds.slice(start, start + KEYS_PER_BATCH_GET).map((userId) => ({ userId }));
      const unread = await retryRefused(keys, async (pending) => {
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [...pending], ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) found.set(item.userId as string, withDefaults(item as Profile));
        return (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { userId: string }[];
      });
      if (unread.length > 0) throw new PartialWriteError(`${this.tableName} (read)`, unread.length, ['UnprocessedKeys']);
    }
    return found;
  }

  /** Every profile, a page at a time (eventually consistent: writers are guarded by the version anyway). */
  async *scanAll(pageSize = 500): AsyncGenerator<Profile[]> {
    for await (const page of paginateScan({ client: this.client, pageSize }, { TableName: this.tableName, Limit: pageSize })) {
      yield (page.Items ?? []).map((item) => withDefaults(item as Profile));
    }
  }

  /** One segment of a parallel scan (the broadcast fan-out: each segment is one worker), a page at a time. */
  async *scanSegment(segment: number, totalSegments: number, pageSize = 500): AsyncGenerator<Profile[]> {
    const pages = paginateScan({ client: this.client, pageSize }, { TableName: this.tableName, Limit: pageSize, Segment: segment, TotalSegments: totalSegments });
    for await (const page of pages) yield (page.Items ?? []).map((item) => withDefaults(item as Profile));
  }

  async save(profile: Profile, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(new PutCommand(this.guardedPut(profile, expectedVersion)));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ProfileVersionConflictError(profile.userId, expectedVersion, { cause: error });
      }
      throw error;
    }
  }

  /** One transaction (twice the write units of its items; a merge happens once per device and user). */
  async saveMerged(profile: Profile, expectedVersion: number, tombstones: readonly { profile: Profile; expectedVersion: number }[]): Promise<void> {
    const puts = [{ profile, expectedVersion }, ...tombstones].map((write) => ({ Put: this.guardedPut(write.profile, write.expectedVersion) }));
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: puts }));
    } catch (error) {
      // A failed condition, or another transaction on one of the items: either way, read again and redo.
      const conflicted = error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict');
      if (conflicted) throw new ProfileVersionConflictError(profile.userId, expectedVersion, { cause: error });
      throw error;
    }
  }

  private guardedPut(profile: Profile, expectedVersion: number) {
    return {
      TableName: this.tableName,
      Item: profile,
      ...(expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(userId)' }
        : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
    };
  }

  async clearOutbox(userId: string, version: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId },
          UpdateExpression: 'SET outbox = :empty, timerOutbox = :empty',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':empty': [], ':version': version },
        }),
      );
    } catch (error) {
      // A newer write owns the outbox now and flushes it itself; deliver drops any duplicate send.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
