import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PartialWriteError } from '../core/errors';
import type { Intent } from '../core/messaging/intent';
import type { TimerStore } from '../core/ports';
import type { Timer, TimerCommand } from '../core/triggers/timer';
import { retryRefused } from './retry-policy';

/**
 * Shards of the `byDue` index. A timer's shard is a stable hash of its user and key, so the due index has
 * no hot partition and `due` reads every shard. Only ever raise it: timers in a shard the sweeper no longer
 * reads would never fire.
 */
export const TIMER_SHARDS = 8;

/** The index the sweeper reads: partition key `shard` (S), sort key `dueAt` (N, epoch ms), projection ALL. */
export const TIMERS_BY_DUE_INDEX = 'byDue';

/** How long after its due time DynamoDB's TTL removes a timer nobody fired (the sweeper lag alarm fires long before). */
const EXPIRY_AFTER_DUE_SECONDS = 7 * 86_400;

/** BatchGetItem's limit. */
const KEYS_PER_BATCH_GET = 100;

/** Keys whose commands are written at once (each key's commands are applied in order). */
const KEYS_AT_ONCE = 10;

/** One item of the Timers table (pk `userId`, sk `key`). */
interface TimerItem {
  userId: string;
  key: string;
  /** `0`…`TIMER_SHARDS - 1`: the index partition. */
  shard: string;
  /** Epoch ms: the index sort key. */
  dueAt: number;
  armId: string;
  /** As the starting event gave it (client time, ISO-8601). */
  armedAt: string;
  /** `armedAt` in epoch ms, for the conditions: ISO strings with offsets do not compare as text. */
  armedAtMs: number;
  intent: Intent;
  /** TTL, epoch seconds. */
  expiresAt: number;
}

/** The index shard of a timer: a stable hash of its user and key. */
export const shardOf = (userId: string, key: string): string =>
  String(createHash('sha256').update(`${userId}\u0000${key}`).digest().readUInt32BE(0) % TIMER_SHARDS);

/**
 * The Timers table. Every write is conditional, so commands are idempotent and order-safe: an arm
 * replaces only an older arm of its key (by `armedAt`, then `armId`); a cancel deletes only a timer
 * armed at or before it and not yet due at it; `complete` deletes only the arming it fired.
 */
export class DynamoTimerStore implements TimerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async apply(commands: readonly TimerCommand[]): Promise<void> {
    type KeyedCommand = Exclude<TimerCommand, { op: 'move' }>;
    const byKey = new Map<string, KeyedCommand[]>();
    const moves: Extract<TimerCommand, { op: 'move' }>[] = [];
    for (const command of commands) {
      if (command.op === 'move') {
        moves.push(command);
        continue;
      }
      const { userId, key } = command.op === 'arm' ? command.timer : command;
      const id = `${userId}\u0000${key}`;
      byKey.set(id, [...(byKey.get(id) ?? []), command]);
    }
    const groups = [...byKey.values()];
    for (let start = 0; start < groups.length; start += KEYS_AT_ONCE) {
      await Promise.all(
        groups.slice(start, start + KEYS_AT_ONCE).map(async (group) => {
          for (const command of group) await (command.op === 'arm' ? this.arm(command.timer) : this.cancel(command));
        }),
      );
    }
    for (const move of moves) await this.move(move.userId, move.toUserId);
  }

  /**
   * Each timer of `from` armed again under `to` (an arm: a later one of the key there stays), then
   * completed under `from`. Idempotent: a second move finds nothing; a timer that fired meanwhile is gone.
   */
  private async move(from: string, to: string): Promise<void> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'userId = :from',
          ExpressionAttributeValues: { ':from': from },
          ConsistentRead: true,
          ...(ExclusiveStartKey && { ExclusiveStartKey }),
        }),
      );
      for (const item of (page.Items ?? []) as TimerItem[]) {
        const timer = toTimer(item);
        await this.arm({ ...timer, userId: to, intent: { ...timer.intent, userId: to } });
        await this.complete(timer);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async due(now: Date, limit: number): Promise<Timer[]> {
    if (limit <= 0) return [];
    const shards = Array.from({ length: TIMER_SHARDS }, (_, shard) => String(shard));
    const pages = await Promise.all(shards.map((shard) => this.dueInShard(shard, now.getTime(), limit)));
    const oldest = pages
      .flat()
      .sort((a, b) => a.dueAt - b.dueAt || compareText(a.userId, b.userId) || compareText(a.key, b.key))
      .slice(0, limit);
    // The index is eventually consistent: a timer cancelled or re-armed a moment ago may still show there.
    const current = await this.readConsistently(oldest);
    return oldest.filter((item) => {
      const stored = current.get(idOf(item));
      return stored !== undefined && stored.armId === item.armId && stored.dueAt <= now.getTime();
    }).map(toTimer);
  }

  async complete(timer: Timer): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { userId: timer.userId, key: timer.key },
          ConditionExpression: '#armId = :armId',
          ExpressionAttributeNames: { '#armId': 'armId' },
          ExpressionAttributeValues: { ':armId': timer.armId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async arm(timer: Timer): Promise<void> {
    const dueAtMs = Date.parse(timer.dueAt);
    const armedAtMs = Date.parse(timer.armedAt);
    const item: TimerItem = {
      userId: timer.userId,
      key: timer.key,
      shard: shardOf(timer.userId, timer.key),
      dueAt: dueAtMs,
      armId: timer.armId,
      armedAt: timer.armedAt,
      armedAtMs,
      intent: timer.intent,
      expiresAt: Math.floor(dueAtMs / 1000) + EXPIRY_AFTER_DUE_SECONDS,
    };
    await conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#key) OR #armedAtMs < :armedAtMs OR (#armedAtMs = :armedAtMs AND #armId < :armId)',
          ExpressionAttributeNames: { '#key': 'key', '#armedAtMs': 'armedAtMs', '#armId': 'armId' },
          ExpressionAttributeValues: { ':armedAtMs': armedAtMs, ':armId': timer.armId },
        }),
      ),
    );
  }

  private async cancel(command: Extract<TimerCommand, { op: 'cancel' }>): Promise<void> {
    await conditionally(
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { userId: command.userId, key: command.key },
          ConditionExpression: '#armedAtMs <= :at AND #dueAt >= :at',
          ExpressionAttributeNames: { '#armedAtMs': 'armedAtMs', '#dueAt': 'dueAt' },
          ExpressionAttributeValues: { ':at': Date.parse(command.at) },
        }),
      ),
    );
  }

  private async dueInShard(shard: string, nowMs: number, limit: number): Promise<TimerItem[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TIMERS_BY_DUE_INDEX,
        // Both are reserved words in expressions.
        KeyConditionExpression: '#shard = :shard AND #dueAt <= :now',
        ExpressionAttributeNames: { '#shard': 'shard', '#dueAt': 'dueAt' },
        ExpressionAttributeValues: { ':shard': shard, ':now': nowMs },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return Items as TimerItem[];
  }

  private async readConsistently(items: readonly TimerItem[]): Promise<Map<string, TimerItem>> {
    const found = new Map<string, TimerItem>();
    for (let start = 0; start < items.length; start += KEYS_PER_BATCH_GET) {
      const keys = items.slice(start, start + KEYS_PER_BATCH_GET).map(({ userId, key }) => ({ userId, key }));
      const unread = await retryRefused(keys, async (pending) => {
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [...pending], ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) found.set(idOf(item as TimerItem), item as TimerItem);
        return (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { userId: string; key: string }[];
      });
      if (unread.length > 0) throw new PartialWriteError(`${this.tableName} (read)`, unread.length, ['UnprocessedKeys']);
    }
    return found;
  }
}

/** Awaits a conditional write; a failed condition means the command is older than what is stored: nothing to do. */
const conditionally = async (write: Promise<unknown>): Promise<void> => {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};

const idOf = (item: Pick<TimerItem, 'userId' | 'key'>): string => `${item.userId}\u0000${item.key}`;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const toTimer = (item: TimerItem): Timer => ({
  userId: item.userId,
  key: item.key,
  armId: item.armId,
  armedAt: item.armedAt,
  dueAt: new Date(item.dueAt).toISOString(),
  intent: item.intent,
});
