import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CAMPAIGN_MEMORY_MS, emptyCaps, pruneSends, type CapsState, type DecisionRecord, type LedgerView, type SendRecord } from '../core/messaging/ledger';
import type { SentRef } from '../core/kpis/delivery-status';
import { countDecision, countGiveBack, type MeasurementFacts } from '../core/kpis/funnel';
import type { DeliveryLedger } from '../core/ports';
import { counterUpdate, sentRefPut, touchDelete, touchPut } from './dynamo-kpi-store';

/** How long decisions are kept for "why did (not) this user get it?" before DynamoDB's TTL removes them. */
const RETENTION_DAYS = 90;

/** Sort key of a message's decision. */
export const messageSk = (messageId: string): string => `MSG#${messageId}`;
/** Sort key of a user's caps item (recent sends). */
export const CAPS_SK = 'CAPS';

/** Statuses a new decision may replace: a deferral, or a send that surely failed and was given back. */
const REDECIDABLE = [':deferred', ':failed'] as const;

/** Optional decision fields: set when present, removed when absent, so a final decision never shows a stale one. */
const OPTIONAL_FIELDS = ['reason', 'detail', 'channel', 'variant', 'destinationCountry', 'sendAt', 'providerMessageId', 'deferredUntil'] as const;

/** Gives-back retried when concurrent sends keep changing the caps. */
const GIVE_BACK_ATTEMPTS = 10;

/**
 * The Messages table as deliver's ledger: per user, one item per message id (`sk = MSG#<id>`, the
 * decision) and one caps item (`sk = CAPS`, recent sends with a version). A send decision writes both in
 * one transaction, each under a condition (the message undecided, the caps at the version read).
 * With a `Kpis` table, every final decision also adds to the campaign funnel's counters and starts its
 * touch (a send or a holdout) in the same transaction: counted exactly when it is decided, never twice.
 */
export class DynamoMessageLog implements DeliveryLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly kpisTableName?: string,
  ) {}

  async read(userId: string, messageId: string): Promise<LedgerView> {
    let keys = [{ userId, sk: messageSk(messageId) }, { userId, sk: CAPS_SK }];
    const found: Record<string, unknown>[] = [];
    for (let attempt = 1; keys.length > 0; attempt++) {
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[this.tableName] ?? []));
      keys = (UnprocessedKeys?.[this.tableName]?.Keys as typeof keys | undefined) ?? [];
      if (keys.length > 0 && attempt >= 5) throw new Error(`the Messages table kept ${keys.length} key(s) unprocessed`);
      if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
    const decision = found.find((item) => item.sk === messageSk(messageId));
    const caps = found.find((item) => item.sk === CAPS_SK);
    return { ...(decision && { decision: toDecision(decision) }), caps: caps ? toCaps(caps) : emptyCaps() };
  }

  async record(decision: DecisionRecord, facts?: MeasurementFacts): Promise<'recorded' | 'decided-before'> {
    const counted = this.kpiItems(decision, facts);
    try {
      if (counted.length === 0) {
        await this.client.send(new UpdateCommand({ TableName: this.tableName, ...this.decisionUpdate(decision, 'undecided') }));
      } else {
        await this.client.send(new TransactWriteCommand({ TransactItems: [{ Update: { TableName: this.tableName, ...this.decisionUpdate(decision, 'undecided') } }, ...counted] }));
      }
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'decided-before';
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'decided-before';
      throw error;
    }
  }

  async commitSend(decision: DecisionRecord, caps: CapsState, facts?: MeasurementFacts): Promise<'committed' | 'decided-before' | 'caps-changed'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: this.tableName, ...this.decisionUpdate(decision, 'undecided') } },
            { Put: this.capsPut(decision.userId, caps, new Date(decision.decidedAt)) },
            ...this.kpiItems(decision, facts),
          ],
        }),
      );
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [message, capsItem] = error.CancellationReasons ?? [];
      if (message?.Code === 'ConditionalCheckFailed') return 'decided-before';
      // A failed caps condition, or a concurrent transaction on either item: read again and decide again.
      if (capsItem?.Code === 'ConditionalCheckFailed' || [message?.Code, capsItem?.Code].includes('TransactionConflict')) return 'caps-changed';
      throw error;
    }
  }

  async confirm(userId: string, messageId: string, outcome: { status: 'sent' | 'unconfirmed'; providerMessageId?: string; at: Date }, sent?: SentRef): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId, sk: messageSk(messageId) },
          UpdateExpression: `SET #status = :status, confirmedAt = :at${outcome.providerMessageId ? ', providerMessageId = :pid' : ''}`,
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ':at': outcome.at.toISOString(),
            ':sending': 'sending',
            ...(outcome.providerMessageId && { ':pid': outcome.providerMessageId }),
          },
        }),
      );
    } catch (error) {
      // Not `sending` any more: nothing to confirm (it cannot have been decided again while sending).
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return;
    }
    // Idempotent (keyed by the provider's id): SNS's delivery status will be counted against it.
    if (sent && this.kpisTableName) await this.client.send(new PutCommand(sentRefPut(this.kpisTableName, sent)));
  }

  async giveBack(replacement: DecisionRecord, at: Date): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { userId: replacement.userId, sk: CAPS_SK }, ConsistentRead: true }),
      );
      const caps = Item ? toCaps(Item) : emptyCaps();
      const sends = pruneSends(
        caps.sends.filter((send) => send.messageId !== replacement.messageId),
        at.getTime(),
      );
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: this.tableName, ...this.decisionUpdate(replacement, 'sending') } },
              { Put: this.capsPut(replacement.userId, { version: caps.version, sends }, at) },
              ...(this.kpisTableName ? [counterUpdate(this.kpisTableName, countGiveBack(replacement)), touchDelete(this.kpisTableName, replacement.userId, replacement.messageId)] : []),
            ],
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [message] = error.CancellationReasons ?? [];
        if (message?.Code === 'ConditionalCheckFailed') return; // not `sending`: given back already
        if (attempt >= GIVE_BACK_ATTEMPTS) throw error;
      }
    }
  }

  /** Every decision recorded for the user, oldest first (the why CLI). */
  async decisions(userId: string, campaignId?: string): Promise<(DecisionRecord & { deferrals: Deferral[] })[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'userId = :u AND begins_with(sk, :msg)',
          ExpressionAttributeValues: { ':u': userId, ':msg': 'MSG#', ...(campaignId && { ':c': campaignId }) },
          ...(campaignId && { FilterExpression: 'campaignId = :c' }),
          ...(ExclusiveStartKey && { ExclusiveStartKey }),
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items
      .map((item) => ({ ...toDecision(item), deferrals: (item.deferrals as Deferral[] | undefined) ?? [] }))
      .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
  }

  /** The user's caps item (the why CLI). */
  async caps(userId: string): Promise<CapsState> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { userId, sk: CAPS_SK }, ConsistentRead: true }));
    return Item ? toCaps(Item) : emptyCaps();
  }

  /**
   * The update writing a decision. `undecided`: only if the message has no decision, or one that may be
   * taken again; `sending`: only over the committed send it replaces (a give-back).
   */
  private decisionUpdate(decision: DecisionRecord, expect: 'undecided' | 'sending') {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':status': decision.status,
      ':messageId': decision.messageId,
      ':campaignId': decision.campaignId,
      ':occurrence': decision.occurrence,
      ':triggeredAt': decision.triggeredAt,
      ':decidedAt': decision.decidedAt,
      ':expiresAt': Math.floor(Date.parse(decision.decidedAt) / 1000) + RETENTION_DAYS * 86_400,
    };
    const set = [
      '#status = :status',
      'messageId = :messageId',
      'campaignId = :campaignId',
      'occurrence = :occurrence',
      'triggeredAt = :triggeredAt',
      'decidedAt = :decidedAt',
      'expiresAt = :expiresAt',
    ];
    const remove: string[] = [];
    for (const field of OPTIONAL_FIELDS) {
      if (decision[field] !== undefined) {
        set.push(`${field} = :${field}`);
        values[`:${field}`] = decision[field];
      } else {
        remove.push(field);
      }
    }
    if (decision.status === 'deferred') {
      // The history of deferrals survives the final decision: "deferred twice for quiet hours, then sent".
      set.push('deferrals = list_append(if_not_exists(deferrals, :none), :deferral)');
      values[':none'] = [];
      values[':deferral'] = [{ at: decision.decidedAt, until: decision.deferredUntil, reason: decision.reason }];
    }
    let condition: string;
    if (expect === 'undecided') {
      condition = `attribute_not_exists(sk) OR #status IN (${REDECIDABLE.join(', ')})`;
      values[':deferred'] = 'deferred';
      values[':failed'] = 'failed';
    } else {
      condition = '#status = :sending';
      values[':sending'] = 'sending';
    }
    return {
      Key: { userId: decision.userId, sk: messageSk(decision.messageId) },
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** The funnel's writes that go with a decision: its counters and, for a send or a holdout, its touch. */
  private kpiItems(decision: DecisionRecord, facts: MeasurementFacts | undefined) {
    const counted = this.kpisTableName ? countDecision(decision, facts) : undefined;
    if (!counted || !this.kpisTableName) return [];
    return [counterUpdate(this.kpisTableName, counted.increment), ...(counted.touch ? [touchPut(this.kpisTableName, counted.touch)] : [])];
  }

  private capsPut(userId: string, caps: CapsState, at: Date) {
    return {
      TableName: this.tableName,
      Item: {
        userId,
        sk: CAPS_SK,
        version: caps.version + 1,
        sends: caps.sends,
        expiresAt: Math.floor((at.getTime() + CAMPAIGN_MEMORY_MS) / 1000),
      },
      ...(caps.version === 0
        ? { ConditionExpression: 'attribute_not_exists(sk)' }
        : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': caps.version } }),
    };
  }
}

/** One deferral in a message's history. */
export interface Deferral {
  at: string;
  until: string;
  reason: string;
}

const toDecision = (item: Record<string, unknown>): DecisionRecord => {
  const { userId, sk: _sk, expiresAt: _e, deferrals: _d, confirmedAt: _c, ...rest } = item;
  return { userId, ...rest } as DecisionRecord;
};

const toCaps = (item: Record<string, unknown>): CapsState => ({
  version: Number(item.version ?? 0),
  sends: ((item.sends as SendRecord[] | undefined) ?? []).map((send) => ({ ...send, at: Number(send.at) })),
});
