import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExposureLog, RolloutExposureSource, RolloutStore } from '../core/ports';
import { emptyArm, type ArmCounts, type RunCounts } from '../core/rollouts/arm-counts';
import { RolloutVersionConflictError } from '../core/rollouts/errors';
import { armKeyOf, type Exposure } from '../core/rollouts/exposure';
import type { RolloutState } from '../core/rollouts/rollout-state';

/** How long an exposure is kept after it was recorded: past any attribution window, for audits. */
const EXPOSURE_RETENTION_SECONDS = 90 * 86_400;

const STATE_SK = 'STATE';
const campaignPk = (campaignId: string) => `CAMPAIGN#${campaignId}`;
const runPk = (campaignId: string, runId: string) => `RUN#${campaignId}#${runId}`;
/** Partition of a user's exposures (also what a data-subject request reads and erases). */
export const userPk = (userId: string) => `USER#${userId}`;
const exposureSk = (campaignId: string) => `EXPOSURE#${campaignId}`;

/**
 * The Experiments table (pk `pk`, sk `sk`, TTL `expiresAt`), one concept per key shape:
 * - `CAMPAIGN#<id>` / `STATE`: the rollout (exposure, stage, looks), version-guarded;
 * - `RUN#<id>#<run>` / `ARM#control`, `ARM#variant#<name>`: the run's counters, changed only by ADD;
 * - `USER#<user>` / `EXPOSURE#<campaign>`: the user's exposure in the campaign's latest run.
 * An exposure or an outcome and its counter are written in one transaction conditional on the exposure,
 * so redeliveries and replays never count twice.
 */
export class DynamoExperimentStore implements RolloutStore, RolloutExposureSource, ExposureLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(campaignId: string): Promise<RolloutState | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: campaignPk(campaignId), sk: STATE_SK }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...state } = Item;
    return state as RolloutState;
  }

  async save(state: RolloutState, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: JSON.parse(JSON.stringify({ pk: campaignPk(state.campaignId), sk: STATE_SK, ...state })),
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(expectedVersion !== 0 && { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new RolloutVersionConflictError(state.campaignId, expectedVersion);
      throw error;
    }
  }

  async exposureOf(campaignId: string): Promise<{ runId: string; exposurePercent: number } | undefined> {
    // A held rollout keeps its exposure; a rolled back or aborted one was set to 0 when it stopped.
    const state = await this.load(campaignId);
    return state && { runId: state.runId, exposurePercent: state.exposurePercent };
  }

  async counts(campaignId: string, runId: string): Promise<RunCounts> {
    const counts: RunCounts = { control: emptyArm(), variants: {} };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': runPk(campaignId, runId) }, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        const arm: ArmCounts = { exposed: Number(item.exposed ?? 0), converted: Number(item.converted ?? 0), clicked: Number(item.clicked ?? 0) };
        const key = String(item.sk).replace(/^ARM#/, '');
        if (key === 'control') counts.control = arm;
        else counts.variants[key.replace(/^variant#/, '')] = arm;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return counts;
  }

  async recordExposure(exposure: Exposure): Promise<'recorded' | 'seen-before'> {
    const expiresAt = Math.floor(Date.parse(exposure.exposedAt) / 1000) + EXPOSURE_RETENTION_SECONDS;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: JSON.parse(JSON.stringify({ pk: userPk(exposure.userId), sk: exposureSk(exposure.campaignId), ...exposure, expiresAt })),
                // A new run replaces the previous run's exposure; within a run the first one stands.
                ConditionExpression: 'attribute_not_exists(pk) OR runId <> :run',
                ExpressionAttributeValues: { ':run': exposure.runId },
              },
            },
            this.count(exposure, 'exposed'),
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
    }
    // Seen before in this run: remember the message (its clicks count), count nothing.
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userPk(exposure.userId), sk: exposureSk(exposure.campaignId) },
          UpdateExpression: 'SET lastExposedAt = :at, messageIds = list_append(messageIds, :ids)',
          ConditionExpression: 'runId = :run AND NOT contains(messageIds, :id)',
          ExpressionAttributeValues: { ':at': exposure.lastExposedAt, ':ids': exposure.messageIds, ':id': exposure.messageIds[0], ':run': exposure.runId },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    return 'seen-before';
  }

  async exposuresOf(userId: string): Promise<Exposure[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :exposure)',
        ExpressionAttributeValues: { ':pk': userPk(userId), ':exposure': 'EXPOSURE#' },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map(({ pk: _pk, sk: _sk, expiresAt: _expiresAt, ...exposure }) => exposure as Exposure);
  }

  async recordOutcome(exposure: Exposure, outcome: 'converted' | 'clicked', at: string): Promise<boolean> {
    const field = outcome === 'converted' ? 'convertedAt' : 'clickedAt';
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: userPk(exposure.userId), sk: exposureSk(exposure.campaignId) },
                UpdateExpression: `SET ${field} = :at`,
                ConditionExpression: `runId = :run AND attribute_not_exists(${field})`,
                ExpressionAttributeValues: { ':at': at, ':run': exposure.runId },
              },
            },
            this.count(exposure, outcome),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  private count(exposure: Exposure, counter: keyof ArmCounts) {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: runPk(exposure.campaignId, exposure.runId), sk: `ARM#${armKeyOf(exposure)}` },
        UpdateExpression: 'ADD #counter :one',
        ExpressionAttributeNames: { '#counter': counter },
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
  }
}
