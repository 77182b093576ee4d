import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateScan, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../core/campaigns/campaign';
import { CampaignNotFoundError, CampaignVersionConflictError } from '../core/campaigns/errors';
import type { CampaignStore, StoredCampaign } from '../core/ports';

/** One item of the Campaigns table (pk `campaignId`). */
interface CampaignItem {
  campaignId: string;
  /** The campaign as `parseCampaign` returned it (durations in ms). */
  definition: Campaign;
  active: boolean;
  /** 1 when created, +1 on every change; every write is conditional on the version it read. */
  version: number;
  /** ISO-8601. */
  updatedAt: string;
}

/** Options of {@link DynamoCampaignStore.setActive} beyond the port's. */
export interface SetActiveOptions {
  /** Refuse (with {@link CampaignVersionConflictError}) unless the stored campaign is still at this version. */
  expectedVersion?: number;
}

/**
 * Campaigns in DynamoDB, one item per campaign. Written only by the campaigns CLI, read by the
 * functions (through `cachedCampaignSource`). Every write is conditional on the `version` it read, so two
 * people editing the same campaign get a {@link CampaignVersionConflictError} instead of losing a change.
 */
export class DynamoCampaignStore implements CampaignStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The active definitions. A consistent Scan: the table holds a handful of campaigns and is read behind a cache. */
  async active(): Promise<Campaign[]> {
    const items = await this.scan({
      FilterExpression: '#active = :true',
      ExpressionAttributeNames: { '#active': 'active' },
      ExpressionAttributeValues: { ':true': true },
    });
    return items.map((item) => item.definition);
  }

  /** Every stored campaign, active or not, by id. */
  async list(): Promise<StoredCampaign[]> {
    const items = await this.scan({});
    return items.map(toStored).sort((a, b) => (a.campaign.id < b.campaign.id ? -1 : 1));
  }

  async get(id: string): Promise<StoredCampaign | undefined> {
    const item = await this.read(id);
    return item && toStored(item);
  }

  /**
   * Stores a definition: new campaigns start inactive; an existing one keeps its `active` flag. Storing
   * the definition that is already stored changes nothing (same version), so re-seeding is harmless.
   */
  async put(campaign: Campaign, at: Date): Promise<StoredCampaign> {
    // A JSON round trip drops `undefined` members, which the document client would otherwise refuse.
    const definition = JSON.parse(JSON.stringify(campaign)) as Campaign;
    const current = await this.read(definition.id);
    if (current && canonicalJson(current.definition) === canonicalJson(definition)) return toStored(current);
    const item: CampaignItem = {
      campaignId: definition.id,
      definition,
      active: current?.active ?? false,
      version: (current?.version ?? 0) + 1,
      updatedAt: at.toISOString(),
    };
    await this.conditionally(definition.id, current?.version ?? 0, () =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...versionCondition(current?.version ?? 0) })),
    );
    return toStored(item);
  }

  /**
   * Activates or deactivates a stored campaign; a no-op when it already is. Throws
   * {@link CampaignNotFoundError} for an unknown id.
   */
  async setActive(id: string, active: boolean, at: Date, options: SetActiveOptions = {}): Promise<StoredCampaign> {
    const current = await this.read(id);
    if (!current) throw new CampaignNotFoundError(id);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new CampaignVersionConflictError(id, options.expectedVersion);
    }
    if (current.active === active) return toStored(current);
    const item: CampaignItem = { ...current, active, version: current.version + 1, updatedAt: at.toISOString() };
    await this.conditionally(id, current.version, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { campaignId: id },
          UpdateExpression: 'SET #active = :active, #version = :next, updatedAt = :at',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#active': 'active', '#version': 'version' },
          ExpressionAttributeValues: { ':active': active, ':next': item.version, ':at': item.updatedAt, ':expected': current.version },
        }),
      ),
    );
    return toStored(item);
  }

  private async read(id: string): Promise<CampaignItem | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { campaignId: id }, ConsistentRead: true }));
    return Item as CampaignItem | undefined;
  }

  private async scan(filter: { FilterExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }) {
    const items: CampaignItem[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true, ...filter })) {
      items.push(...((page.Items ?? []) as CampaignItem[]));
    }
    return items;
  }

  private async conditionally(id: string, expectedVersion: number, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new CampaignVersionConflictError(id, expectedVersion, { cause: error });
      throw error;
    }
  }
}

const versionCondition = (expectedVersion: number) =>
  expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(campaignId)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };

const toStored = (item: CampaignItem): StoredCampaign => ({
  campaign: item.definition,
  active: item.active,
  version: item.version,
  updatedAt: item.updatedAt,
});

/** JSON with object keys sorted, so two equal definitions compare equal whatever their key order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
