import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../core/kpis/attribute-touches';
import type { BehaviourIncrement, KeptFeedback } from '../core/kpis/behaviour';
import { countDeliveryStatus, type DeliveryStatus, type SentRef } from '../core/kpis/delivery-status';
import type { KpiIncrement, Touch } from '../core/kpis/funnel';
import type { CounterRow } from '../core/kpis/kpi-report';
import type { TouchLog } from '../core/ports';

/** How long counters are kept: a year of trailing baselines and year-on-year comparisons. */
const COUNTER_RETENTION_SECONDS = 400 * 86_400;
/** A touch outlives its attribution window by a day, for late (out-of-order) events. */
const TOUCH_GRACE_MS = 86_400_000;
/** Feedback texts are personal data: kept a month, for the daily review's examples. */
const FEEDBACK_RETENTION_SECONDS = 30 * 86_400;

const counterPk = (campaignId: string, day: string) => `KPI#${campaignId}#${day}`;
const sentPk = (providerMessageId: string) => `SENT#${providerMessageId}`;
const SENT_SK = 'SENT';
/** SNS logs a delivery status within seconds to minutes; three days covers its retries and a backlog. */
const SENT_RETENTION_SECONDS = 3 * 86_400;
/** Partition of a user's touches (also what a data-subject request reads and erases). */
export const touchPk = (userId: string) => `TOUCH#${userId}`;


/**
 * The `Kpis` table (pk `pk`, sk `sk`, TTL `expiresAt`), one concept per key shape:
 * - `KPI#<campaign>#<UTC day>` / `<HH:MM>#<channel>#<variant>`: a cell's counters, changed only by ADD;
 * - `TOUCH#<user>` / `<messageId>`: a send or holdout decision in its attribution window;
 * - `ALERT#<campaign>` / `<UTC day>#<rate>`: an anomaly alert raised (one per campaign, rate and day);
 * - `BEHAVIOUR#<UTC day>` / `<HH:MM>`: the programme's behaviour counters (sessions, views, dwell...);
 * - `FEEDBACK#<UTC day>` / `<time>#<insertId>`: feedback with its sentiment, kept 30 days;
 * - `SENT#<provider message id>` / `SENT`: a sent message's cell, for SNS's delivery status, kept 3 days.
 * Every counter change rides in the transaction of the fact it counts (a decision, an open, an order),
 * each conditional, so counts are exact under retries and replays.
 */
export class DynamoKpiStore implements TouchLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async touchesOf(userId: string): Promise<Touch[]> {
    // Strongly consistent: a send committed a moment ago must be there when its open arrives.
    return (await this.queryAll(touchPk(userId), true)).map(toTouch);
  }

  async recordOpen(touch: Touch, at: string, increment: KpiIncrement, field: 'openedAt' | 'impressionAt' = 'openedAt'): Promise<boolean> {
    return this.conditionally([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: touchPk(touch.userId), sk: touch.messageId },
          UpdateExpression: 'SET #field = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#field)',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':at': at },
        },
      },
      counterUpdate(this.tableName, increment),
    ]);
  }

  async recordOrder(touch: Touch, order: Order, at: string, first: boolean, increment: KpiIncrement): Promise<boolean> {
    return this.conditionally([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: touchPk(touch.userId), sk: touch.messageId },
          UpdateExpression: 'SET convertedAt = if_not_exists(convertedAt, :at), #revenue = if_not_exists(#revenue, :zero) + :revenue ADD orders :order',
          // `first` decides whether the converted counter moves: it must agree with the stored touch.
          ConditionExpression: `attribute_exists(pk) AND NOT contains(orders, :orderId) AND ${first ? 'attribute_not_exists' : 'attribute_exists'}(convertedAt)`,
          ExpressionAttributeNames: { '#revenue': `revenue:${order.currency}` },
          ExpressionAttributeValues: { ':at': at, ':zero': 0, ':revenue': order.revenue, ':order': new Set([order.orderId]), ':orderId': order.orderId },
        },
      },
      counterUpdate(this.tableName, increment),
    ]);
  }

  /** The counters of one campaign on the given UTC days. */
  async counters(campaignId: string, days: readonly string[]): Promise<CounterRow[]> {
    const items = await Promise.all(days.map((day) => this.queryAll(counterPk(campaignId, day))));
    return days.flatMap((day, i) => items[i]!.map((item) => toCounterRow(campaignId, day, item)));
  }

  /**
   * Adds a batch's behaviour (one Update per quarter-hour cell) and keeps its feedback (a Put per item,
   * keyed by the event: idempotent). Not transactional with the profile write: a crash in between
   * loses a batch's behaviour counts (the retry finds its events applied), it never counts them twice.
   */
  async recordBehaviour(increments: readonly BehaviourIncrement[], feedback: readonly KeptFeedback[]): Promise<void> {
    await Promise.all([
      ...increments.map((increment) => this.client.send(new UpdateCommand(behaviourUpdate(this.tableName, increment)))),
      ...feedback.map((item) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: `FEEDBACK#${item.at.slice(0, 10)}`, sk: `${item.at}#${item.insertId}`, ...item, expiresAt: Math.floor(Date.parse(item.at) / 1000) + FEEDBACK_RETENTION_SECONDS },
          }),
        ),
      ),
    ]);
  }

  /** The behaviour cells of the given UTC days. */
  async behaviour(days: readonly string[]): Promise<BehaviourIncrement[]> {
    const items = (await Promise.all(days.map((day) => this.queryAll(`BEHAVIOUR#${day}`)))).flat();
    return items.map(({ pk, sk, expiresAt: _e, ...counters }) => ({ day: String(pk).slice('BEHAVIOUR#'.length), slot: String(sk), add: Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, Number(v)])) }));
  }

  /** The feedback kept on the given UTC days. */
  async feedback(days: readonly string[]): Promise<KeptFeedback[]> {
    const items = (await Promise.all(days.map((day) => this.queryAll(`FEEDBACK#${day}`)))).flat();
    return items.map(({ pk: _pk, sk: _sk, expiresAt: _e, ...item }) => ({ ...(item as unknown as KeptFeedback), rating: Number(item.rating) }));
  }

  private async queryAll(pk: string, consistent = false): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: consistent, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Counts SNS's delivery status of a message deliver sent (`SENT#<provider message id>`, written when
   * the provider took it): once, in the send's cell. `unknown`: not a message of this pipeline, or its
   * record expired; `seen-before`: SNS logged it twice.
   */
  async recordDeliveryStatus(status: DeliveryStatus): Promise<'counted' | 'unknown' | 'seen-before'> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: sentPk(status.providerMessageId), sk: SENT_SK } }));
    if (!Item) return 'unknown';
    const counted = await this.conditionally([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: sentPk(status.providerMessageId), sk: SENT_SK },
          UpdateExpression: 'SET delivered = :delivered',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(delivered)',
          ExpressionAttributeValues: { ':delivered': status.delivered },
        },
      },
      counterUpdate(this.tableName, countDeliveryStatus(Item as unknown as SentRef, status)),
    ]);
    return counted ? 'counted' : 'seen-before';
  }

  /** Claims the one alert of a campaign's rate on a UTC day: false when it was raised already. */
  async claimAlert(campaignId: string, rate: string, day: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `ALERT#${campaignId}`, sk: `${day}#${rate}`, expiresAt: Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 30 * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async conditionally(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}

/** The transaction item that adds an increment to its cell. */
export const counterUpdate = (tableName: string, { cell, add }: KpiIncrement) => ({
  Update: { TableName: tableName, Key: { pk: counterPk(cell.campaignId, cell.day), sk: `${cell.slot}#${cell.channel}#${cell.variant}` }, ...addCounters(cell.day, add) },
});

/** `ADD` of each counter (names may hold any character), and the day's retention. */
const addCounters = (day: string, add: Record<string, number>) => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expiresAt': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + COUNTER_RETENTION_SECONDS };
  const adds = Object.entries(add).map(([counter, amount], i) => {
    names[`#c${i}`] = counter;
    values[`:c${i}`] = amount;
    return `#c${i} :c${i}`;
  });
  return { UpdateExpression: `SET expiresAt = :expiresAt ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
};

const behaviourUpdate = (tableName: string, { day, slot, add }: BehaviourIncrement) => ({ TableName: tableName, Key: { pk: `BEHAVIOUR#${day}`, sk: slot }, ...addCounters(day, add) });

/** What a send's delivery status is counted against: written when the provider took the message. */
export const sentRefPut = (tableName: string, ref: SentRef) => ({
  TableName: tableName,
  Item: { pk: sentPk(ref.providerMessageId), sk: SENT_SK, ...ref, expiresAt: Math.floor(Date.parse(ref.at) / 1000) + SENT_RETENTION_SECONDS },
});

/** The transaction items that start a touch and remove it (a send given back). */
export const touchPut = (tableName: string, touch: Touch) => ({
  Put: {
    TableName: tableName,
    Item: {
      pk: touchPk(touch.userId),
      sk: touch.messageId,
      ...touch,
      expiresAt: Math.floor((Date.parse(touch.at) + touch.attributionWindowMs + TOUCH_GRACE_MS) / 1000),
    },
  },
});

export const touchDelete = (tableName: string, userId: string, messageId: string) => ({
  Delete: { TableName: tableName, Key: { pk: touchPk(userId), sk: messageId } },
});

const toTouch = (item: Record<string, unknown>): Touch => {
  const { pk: _pk, sk: _sk, expiresAt: _e, orders, ...rest } = item;
  const revenue: Record<string, number> = {};
  const touch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('revenue:')) revenue[key.slice('revenue:'.length)] = Number(value);
    else touch[key] = value;
  }
  return {
    ...(touch as unknown as Touch),
    attributionWindowMs: Number(touch.attributionWindowMs),
    ...(orders instanceof Set && { orders: [...(orders as Set<string>)] }),
    ...(Object.keys(revenue).length > 0 && { revenue }),
  };
};

const toCounterRow = (campaignId: string, day: string, item: Record<string, unknown>): CounterRow => {
  const [slot, channel, ...variant] = String(item.sk).split('#');
  const counters: Record<string, number> = {};
  for (const [key, value] of Object.entries(item)) {
    if (!['pk', 'sk', 'expiresAt'].includes(key)) counters[key] = Number(value);
  }
  return { cell: { campaignId, day, slot: slot!, channel: channel!, variant: variant.join('#') }, counters };
};
