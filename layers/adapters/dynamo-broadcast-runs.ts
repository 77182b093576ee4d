import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BroadcastRun, BroadcastRuns, BroadcastStatus } from '../core/broadcasts/broadcast-run';

const pk = (campaignId: string) => `campaign#${campaignId}`;
const sk = (occurrence: string) => `broadcast#${occurrence}`;

/** Broadcast progress in the Experiments table: one item per occurrence, under the campaign's partition. */
export class DynamoBroadcastRuns implements BroadcastRuns {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async start(run: Pick<BroadcastRun, 'campaignId' | 'occurrence' | 'startedAt'>): Promise<boolean> {
    const item: BroadcastRun & { pk: string; sk: string } = { pk: pk(run.campaignId), sk: sk(run.occurrence), ...run, status: 'planning', scanned: 0, recipients: 0, enqueued: 0, waves: 0, leftOut: {} };
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async add(campaignId: string, occurrence: string, counts: Parameters<BroadcastRuns['add']>[2]): Promise<void> {
    const { leftOut = {}, ...totals } = counts;
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds = Object.entries(totals).map(([name, value], i) => {
      names[`#t${i}`] = name;
      values[`:t${i}`] = value;
      return `#t${i} :t${i}`;
    });
    // leftOut counters are flat attributes (`leftOut_<reason>`): ADD cannot create a nested map's entries.
    Object.entries(leftOut).forEach(([reason, value], i) => {
      names[`#l${i}`] = `leftOut_${reason}`;
      values[`:l${i}`] = value;
      adds.push(`#l${i} :l${i}`);
    });
    if (adds.length === 0) return;
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: { pk: pk(campaignId), sk: sk(occurrence) }, UpdateExpression: `ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
    );
  }

  async setStatus(campaignId: string, occurrence: string, status: BroadcastStatus, at: string): Promise<void> {
    const finished = status === 'done' || status === 'cancelled';
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: pk(campaignId), sk: sk(occurrence) },
        UpdateExpression: finished ? 'SET #status = :status, finishedAt = :at' : 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ...(finished && { ':at': at }) },
      }),
    );
  }

  async get(campaignId: string, occurrence: string): Promise<BroadcastRun | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: pk(campaignId), sk: sk(occurrence) }, ConsistentRead: true }));
    return Item ? toRun(Item) : undefined;
  }

  async list(campaignId: string): Promise<BroadcastRun[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk(campaignId), ':prefix': 'broadcast#' },
        ScanIndexForward: false,
        ConsistentRead: true,
      }),
    );
    return Items.map(toRun);
  }
}

const toRun = (item: Record<string, unknown>): BroadcastRun => {
  const leftOut = { ...(item.leftOut as BroadcastRun['leftOut']) };
  for (const [name, value] of Object.entries(item)) if (name.startsWith('leftOut_')) leftOut[name.slice(8) as keyof BroadcastRun['leftOut']] = value as number;
  const { pk: _pk, sk: _sk, ...run } = Object.fromEntries(Object.entries(item).filter(([name]) => !name.startsWith('leftOut_')));
  return { ...(run as unknown as BroadcastRun), leftOut };
};
