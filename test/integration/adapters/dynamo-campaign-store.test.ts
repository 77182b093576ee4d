import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoCampaignStore } from '../../../layers/adapters/dynamo-campaign-store';
import { CampaignNotFoundError, CampaignVersionConflictError } from '../../../layers/core/campaigns/errors';
import { describeWithAws, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { campaignFactory } from '../../helpers/campaign-factories';
import { TEST_YEAR } from '../../helpers/test-calendar';

const TABLE = 'campaign-store-Campaigns';
const at = (minute: number) => new Date(Date.UTC(TEST_YEAR, 10, 22, 10, minute));

describeWithAws('DynamoCampaignStore against DynamoDB', () => {
  let target: AwsTarget;
  let store: DynamoCampaignStore;

  beforeAll(async () => {
    target = await startAwsTarget();
    // The Campaigns table as names.md pins it (pk campaignId S); created here so this test does not
    // depend on the CDK app's definition of it.
    await target.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'campaignId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'campaignId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    store = new DynamoCampaignStore(target.clients.document, TABLE);
  });
  afterAll(() => target?.stop());

  it('stores a new campaign inactive at version 1 and reads it back as written', async () => {
    // Prepare
    const campaign = campaignFactory({ id: 'new-one', description: undefined, trigger: { event: { type: 'page_view', where: { dwellMs: { gte: 3000 } } }, count: { atLeast: 3, withinMs: 1_800_000 } } });

    // Act
    const stored = await store.put(campaign, at(0));

    // Assess
    expect(stored).toEqual({ campaign: JSON.parse(JSON.stringify(campaign)), active: false, version: 1, updatedAt: at(0).toISOString() });
    expect(await store.get('new-one')).toEqual(stored);
    expect(await store.active()).not.toContainEqual(expect.objectContaining({ id: 'new-one' }));
  });

  it('activates and deactivates, bumping the version only on a change', async () => {
    // Prepare
    await store.put(campaignFactory({ id: 'toggle' }), at(0));

    // Act
    const activated = await store.setActive('toggle', true, at(1));
    const again = await store.setActive('toggle', true, at(2));
    const activeIds = (await store.active()).map((c) => c.id);
    const deactivated = await store.setActive('toggle', false, at(3));

    // Assess
    expect(activated).toMatchObject({ active: true, version: 2, updatedAt: at(1).toISOString() });
    expect(again).toEqual(activated);
    expect(activeIds).toContain('toggle');
    expect(deactivated).toMatchObject({ active: false, version: 3 });
    expect((await store.active()).map((c) => c.id)).not.toContain('toggle');
  });

  it('keeps an active campaign active when its definition changes, and ignores an unchanged one', async () => {
    // Prepare
    await store.put(campaignFactory({ id: 'edited' }), at(0));
    await store.setActive('edited', true, at(1));

    // Act
    const edited = await store.put(campaignFactory({ id: 'edited', name: 'Renamed' }), at(2));
    const unchanged = await store.put(campaignFactory({ id: 'edited', name: 'Renamed' }), at(3));

    // Assess
    expect(edited).toMatchObject({ active: true, version: 3, campaign: { name: 'Renamed' } });
    expect(unchanged).toEqual(edited);
    expect((await store.active()).find((c) => c.id === 'edited')?.name).toBe('Renamed');
  });

  it('refuses a write based on a version someone else has moved past', async () => {
    // Prepare: two CLI users read version 1; the second store plays the one who writes first
    await store.put(campaignFactory({ id: 'contended' }), at(0));
    const other = new DynamoCampaignStore(target.clients.document, TABLE);
    const v1 = await store.get('contended');

    // Act
    await other.put(campaignFactory({ id: 'contended', name: 'Theirs' }), at(1));
    const stale = store.setActive('contended', true, at(2), { expectedVersion: v1!.version });

    // Assess
    await expect(stale).rejects.toThrow(CampaignVersionConflictError);
    expect(await store.get('contended')).toMatchObject({ active: false, version: 2, campaign: { name: 'Theirs' } });
  });

  it('lets only one of two concurrent edits of the same version win', async () => {
    // Prepare
    await store.put(campaignFactory({ id: 'race' }), at(0));

    // Act
    const results = await Promise.allSettled([
      store.put(campaignFactory({ id: 'race', name: 'A' }), at(1)),
      store.put(campaignFactory({ id: 'race', name: 'B' }), at(1)),
      store.put(campaignFactory({ id: 'race', name: 'C' }), at(1)),
    ]);

    // Assess: every write either won or was refused with a conflict; none was silently lost
    const won = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason instanceof CampaignVersionConflictError)).toBe(true);
    const stored = await store.get('race');
    expect(stored!.version).toBe(1 + won.length);
    expect(won.map((r) => (r as PromiseFulfilledResult<{ campaign: { name: string } }>).value.campaign.name)).toContain(stored!.campaign.name);
  });

  it('refuses to create a campaign someone else created meanwhile', async () => {
    // Prepare: this store read "absent", then another created it
    const other = new DynamoCampaignStore(target.clients.document, TABLE);
    const racing = new DynamoCampaignStore(target.clients.document, TABLE);
    jest.spyOn(racing as unknown as { read: () => Promise<undefined> }, 'read').mockResolvedValueOnce(undefined);
    await other.put(campaignFactory({ id: 'created-twice', name: 'First' }), at(0));

    // Act
    const late = racing.put(campaignFactory({ id: 'created-twice', name: 'Second' }), at(1));

    // Assess
    await expect(late).rejects.toThrow(CampaignVersionConflictError);
    expect((await store.get('created-twice'))?.campaign.name).toBe('First');
  });

  it('throws CampaignNotFoundError when activating an unknown id', async () => {
    // Act
    const activating = store.setActive('no-such-campaign', true, at(0));

    // Assess
    await expect(activating).rejects.toThrow(CampaignNotFoundError);
    expect(await store.get('no-such-campaign')).toBeUndefined();
  });

  it('lists every campaign by id, across scan pages', async () => {
    // Prepare: large enough definitions that the 1 MB scan page limit is crossed
    const body = 'x'.repeat(50_000);
    const ids = Array.from({ length: 25 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    for (const id of ids) await store.put(campaignFactory({ id, content: [{ name: 'default', title: 't', body, recommendations: 0 }] }), at(0));
    for (const id of ids.slice(0, 22)) await store.setActive(id, true, at(1));

    // Act
    const listed = (await store.list()).map((s) => s.campaign.id);
    const active = (await store.active()).map((c) => c.id);

    // Assess
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(expect.arrayContaining(ids));
    expect(active).toEqual(expect.arrayContaining(ids.slice(0, 22)));
    expect(active).not.toContain('bulk-24');
  });
});
