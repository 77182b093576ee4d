import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../core/contract/pipeline-event';
import type { RatedChannel } from '../core/messaging/delivery-policy';
import { fromMicros, incrementFor, intervalMicros, reserveSlots, slotsEndingAt, toMicros } from '../core/messaging/rate-limit';
import type { SlotReserver } from '../core/ports';

/**
 * Partition key of the limiter's items in the Messages table (one item per channel, `sk` = the channel).
 * Should a user ever have this id, their items would still not collide: theirs have `MSG#…`/`CAPS` sort keys.
 */
export const RATE_LIMIT_PK = 'system#rate-limit';

/** The partition of a limiter shard: shard 0 keeps the unsharded key, so a single-item deployment reads its old schedule. */
export const rateLimitPartition = (shard: number): string => (shard === 0 ? RATE_LIMIT_PK : `${RATE_LIMIT_PK}#${shard}`);

/** Conditional writes per reservation before answering "throttled" (the record is then retried later). */
const MAX_ROUNDS = 10;

type Observed = { kind: 'absent' } | { kind: 'at'; tatUs: number };

/**
 * The GCRA schedule of each channel in one DynamoDB item, shared by every deliver container
 * (`rate-limit.ts` has the algorithm and why it never exceeds the rate in any second).
 *
 * Busy (the schedule is ahead of now): one atomic `SET tatUs = tatUs + span` under the condition that
 * the first slot is not past the deadline. DynamoDB applies concurrent increments one after the other,
 * so containers racing for the item never lose an update or retry one: the common case costs one
 * request, however many containers there are. Idle (the schedule is behind now): the schedule is set to
 * start now, conditional on it still being behind. A refused condition returns the stored value
 * (`ReturnValuesOnConditionCheckFailure`), from which the next attempt is planned.
 */
export class DynamoSlotReserver implements SlotReserver {
  private readonly partition: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ratePerSecond: Record<RatedChannel, number>,
    /** Which limiter item (its own partition key, so shards do not share a partition's write limit). */
    shard = 0,
  ) {
    this.partition = rateLimitPartition(shard);
  }

  async reserve(channel: Channel, count: number, now: Date, deadline: Date): Promise<{ slots: Date[]; retryAfterMs: number }> {
    if (channel !== 'push' && channel !== 'sms') throw new RangeError(`no send rate for channel ${channel}`);
    const intervalUs = intervalMicros(this.ratePerSecond[channel]);
    const nowUs = toMicros(now);
    const deadlineUs = toMicros(deadline);
    let observed: Observed | undefined; // unknown until a write is refused: assume busy first
    // Never more than fit between now and the deadline, however idle the schedule.
    let want = reserveSlots({ tatUs: undefined, nowUs, count, intervalUs, deadlineUs }).slotsUs.length;
    if (want === 0) return { slots: [], retryAfterMs: 0 };
    for (let round = 1; round <= MAX_ROUNDS && want > 0; round++) {
      if (observed?.kind === 'absent' || (observed?.kind === 'at' && observed.tatUs < nowUs)) {
        const reservation = reserveSlots({ tatUs: undefined, nowUs, count: want, intervalUs, deadlineUs });
        observed = await this.start(channel, nowUs, reservation.nextTatUs);
        if (!observed) return this.granted(reservation.slotsUs, count, nowUs, reservation.nextTatUs);
        continue;
      }
      if (observed) {
        // Busy but maybe too far ahead for all of them: ask for the ones that fit.
        const reservation = reserveSlots({ tatUs: observed.tatUs, nowUs, count: want, intervalUs, deadlineUs });
        if (reservation.slotsUs.length === 0) return { slots: [], retryAfterMs: Math.ceil(reservation.retryAfterUs / 1_000) };
        want = reservation.slotsUs.length;
      }
      const { spanUs, lastStartUs } = incrementFor(want, intervalUs, deadlineUs);
      const result = await this.increment(channel, nowUs, lastStartUs, spanUs);
      if (result.kind === 'granted') return this.granted(slotsEndingAt(result.nextTatUs, want, intervalUs), count, nowUs, result.nextTatUs);
      observed = result.observed;
    }
    // Lost every round (the schedule kept moving between idle and busy): behave as if throttled.
    return { slots: [], retryAfterMs: 1_000 };
  }

  private granted(slotsUs: number[], asked: number, nowUs: number, nextTatUs: number) {
    return { slots: slotsUs.map(fromMicros), retryAfterMs: slotsUs.length < asked ? Math.ceil((nextTatUs - nowUs) / 1_000) : 0 };
  }

  /** `tatUs += span` if now ≤ tatUs ≤ lastStart. */
  private async increment(channel: RatedChannel, nowUs: number, lastStartUs: number, spanUs: number): Promise<{ kind: 'granted'; nextTatUs: number } | { kind: 'refused'; observed: Observed }> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId: this.partition, sk: channel },
          UpdateExpression: 'SET tatUs = tatUs + :span, ratePerSecond = :rate',
          ConditionExpression: 'tatUs >= :now AND tatUs <= :lastStart',
          ExpressionAttributeValues: { ':span': spanUs, ':now': nowUs, ':lastStart': lastStartUs, ':rate': this.ratePerSecond[channel] },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'granted', nextTatUs: Number(Attributes?.tatUs) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { kind: 'refused', observed: await this.observedFrom(error, channel) };
    }
  }

  /** Starts an idle schedule at now: `tatUs = next` if it is absent or behind now. Undefined when written. */
  private async start(channel: RatedChannel, nowUs: number, nextTatUs: number): Promise<Observed | undefined> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId: this.partition, sk: channel },
          UpdateExpression: 'SET tatUs = :next, ratePerSecond = :rate',
          ConditionExpression: 'attribute_not_exists(tatUs) OR tatUs < :now',
          ExpressionAttributeValues: { ':next': nextTatUs, ':now': nowUs, ':rate': this.ratePerSecond[channel] },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.observedFrom(error, channel);
    }
  }

  /** The stored schedule from a refused write (raw attribute values), or a consistent read when the store did not return it. */
  private async observedFrom(error: ConditionalCheckFailedException, channel: RatedChannel): Promise<Observed> {
    const raw = (error.Item as Record<string, { N?: string } | undefined> | undefined)?.tatUs?.N;
    if (raw !== undefined) return { kind: 'at', tatUs: Number(raw) };
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { userId: this.partition, sk: channel }, ConsistentRead: true }));
    return Item?.tatUs === undefined ? { kind: 'absent' } : { kind: 'at', tatUs: Number(Item.tatUs) };
  }
}
