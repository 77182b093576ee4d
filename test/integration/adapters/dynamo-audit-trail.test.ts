import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AuditEntryExistsError, DynamoAuditTrail } from '../../../layers/adapters/dynamo-audit-trail';
import type { AuditEntry } from '../../../layers/core/audit/audit-trail';
import { describeWithAws, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { TEST_YEAR } from '../../helpers/test-calendar';

const TABLE = 'audit-trail-Audit';
const at = (month: number, day: number) => new Date(Date.UTC(TEST_YEAR, month, day, 10)).toISOString();
const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({ at: at(10, 2), actor: 'local:alice', action: 'campaign.stored', target: 'campaign:c1', ...overrides });

describeWithAws('DynamoAuditTrail against DynamoDB', () => {
  let target: AwsTarget;
  let trail: DynamoAuditTrail;

  beforeAll(async () => {
    target = await startAwsTarget();
    // The Audit table as infra/constructs/audit.ts defines it (pk, sk).
    await target.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    trail = new DynamoAuditTrail(target.clients.document, TABLE);
    await trail.record(entry({ detail: { diff: [{ op: 'replace', path: '/caps/perDay', old: 1, value: 2 }], note: '' } }));
    await trail.record(entry({ at: at(10, 20), actor: 'local:bob', action: 'rollout.started', target: 'rollout:c1' }));
    await trail.record(entry({ at: at(11, 3), action: 'campaign.activated' }));
  });
  afterAll(() => target?.stop());

  it('lists a period across month partitions, oldest first, with the detail as written', async () => {
    const entries = await trail.list({ from: at(10, 1), to: at(11, 31) });
    expect(entries.map((e) => [e.at, e.action])).toEqual([[at(10, 2), 'campaign.stored'], [at(10, 20), 'rollout.started'], [at(11, 3), 'campaign.activated']]);
    expect(entries[0]!.detail).toEqual({ diff: [{ op: 'replace', path: '/caps/perDay', old: 1, value: 2 }], note: '' });
  });

  it('filters by period, action and actor', async () => {
    expect((await trail.list({ from: at(10, 10), to: at(10, 30) })).map((e) => e.action)).toEqual(['rollout.started']);
    expect((await trail.list({ from: at(10, 1), to: at(11, 31), action: 'campaign.activated' })).map((e) => e.at)).toEqual([at(11, 3)]);
    expect((await trail.list({ from: at(10, 1), to: at(11, 31), actor: 'local:bob' })).map((e) => e.action)).toEqual(['rollout.started']);
  });

  it('is append-only: an entry with an existing key is refused, not overwritten', async () => {
    const fixed = new DynamoAuditTrail(target.clients.document, TABLE, { newId: () => 'same' });
    await fixed.record(entry({ at: at(9, 1) }));
    await expect(fixed.record(entry({ at: at(9, 1), actor: 'local:mallory' }))).rejects.toBeInstanceOf(AuditEntryExistsError);
    expect((await trail.list({ from: at(9, 1), to: at(9, 1) })).map((e) => e.actor)).toEqual(['local:alice']);
  });

  it('sets the TTL from the retention', async () => {
    const { Items = [] } = await target.clients.document.send(new ScanCommand({ TableName: TABLE }));
    for (const item of Items) expect(item.expiresAt).toBe(Math.floor(Date.parse(item.at as string) / 1_000) + 400 * 86_400);
  });
});
