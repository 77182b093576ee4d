import { DynamoProfileStore } from '../../../layers/adapters/dynamo-profile-store';
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ProfileVersionConflictError } from '../../../layers/core/errors';
import { foldProfile } from '../../../layers/core/profile/fold-profile';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { ingestedEventFactory, intentFactory, profileFactory } from '../../helpers/factories';
import { TEST_YEAR } from '../../helpers/test-calendar';

describeWithAws('DynamoDB adapters against the provisioned Profiles table', () => {
  let target: AwsTarget;
  let profiles: DynamoProfileStore;
  let profilesTable: string;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'ddb-');
    profilesTable = resourceOf(stack, 'Profiles').name;
    profiles = new DynamoProfileStore(target.clients.document, profilesTable);
  });
  afterAll(() => target?.stop());

  describe('DynamoProfileStore', () => {
    it('creates a profile only if it does not exist, then only from the version it read', async () => {
      // Prepare
      const first = profileFactory({ userId: 'alice', version: 1 });

      // Act & Assess: each refused write is awaited at once, so no rejection is ever left unhandled
      await profiles.save(first, 0);
      await expect(profiles.save(first, 0)).rejects.toThrow(ProfileVersionConflictError);
      await profiles.save({ ...first, version: 2, counters: { login: 1 } }, 1);
      await expect(profiles.save({ ...first, version: 2 }, 1)).rejects.toThrow(ProfileVersionConflictError);
      expect(await profiles.load('alice')).toMatchObject({ version: 2, counters: { login: 1 } });
    });

    it('stores the deduplication window as one binary attribute, and reads the raw insertIds older code wrote', async () => {
      // Prepare: an item as older code wrote it, with raw insertIds
      const { seenInsertIds: _, ...older } = profileFactory({ userId: 'dora', version: 1 });
      await target.clients.document.send(new PutCommand({ TableName: profilesTable, Item: { ...older, recentInsertIds: ['evt-1', 'evt-2'] } }));

      // Act
      const loaded = (await profiles.load('dora'))!;
      const { profile, applied } = foldProfile(loaded, [ingestedEventFactory({ userId: 'dora', insertId: 'evt-2' }), ingestedEventFactory({ userId: 'dora', insertId: 'evt-3' })]);
      await profiles.save({ ...profile, version: 2 }, 1);
      const { Item } = await target.clients.document.send(new GetCommand({ TableName: profilesTable, Key: { userId: 'dora' }, ConsistentRead: true }));

      // Assess: evt-2 was a duplicate; what is stored is 3 fingerprints of 6 bytes, and no raw ids
      expect(applied.map((e) => e.insertId)).toEqual(['evt-3']);
      expect(Item?.seenInsertIds).toBeInstanceOf(Uint8Array);
      expect((Item?.seenInsertIds as Uint8Array).byteLength).toBe(18);
      expect(Item).not.toHaveProperty('recentInsertIds');
      expect((await profiles.load('dora'))?.seenInsertIds).toEqual(profile.seenInsertIds);
    });

    it('writes a merge and its tombstones all or nothing, each from the version it read', async () => {
      // Prepare
      const user = profileFactory({ userId: 'merge-user', version: 1 });
      const anonymous = profileFactory({ userId: 'anonymous:merge-device', version: 1 });
      await Promise.all([profiles.save(user, 0), profiles.save(anonymous, 0)]);
      const tombstone = { ...profileFactory({ userId: anonymous.userId }), version: 2, mergedInto: user.userId };

      // Act: a stale tombstone version fails the whole transaction; the right one commits both
      await expect(profiles.saveMerged({ ...user, version: 2, counters: { login: 9 } }, 1, [{ profile: tombstone, expectedVersion: 5 }])).rejects.toThrow(ProfileVersionConflictError);
      const untouched = await profiles.load(user.userId);
      await profiles.saveMerged({ ...user, version: 2, counters: { login: 9 } }, 1, [{ profile: tombstone, expectedVersion: 1 }, { profile: { ...tombstone, userId: 'anonymous:new-device', version: 1 }, expectedVersion: 0 }]);

      // Assess
      expect(untouched).toMatchObject({ version: 1 });
      expect(await profiles.load(user.userId)).toMatchObject({ version: 2, counters: { login: 9 } });
      expect(await profiles.load(anonymous.userId)).toMatchObject({ version: 2, mergedInto: user.userId });
      expect(await profiles.load('anonymous:new-device')).toMatchObject({ version: 1, mergedInto: user.userId });
    });

    it('reads more profiles than one BatchGetItem takes', async () => {
      // Prepare
      const ids = Array.from({ length: 130 }, (_, i) => `bulk-${i}`);
      await Promise.all(ids.map((userId) => profiles.save(profileFactory({ userId, version: 1 }), 0)));

      // Act
      const found = await profiles.loadMany([...ids, 'nobody']);

      // Assess
      expect(found.size).toBe(130);
      expect(found.get('bulk-129')?.userId).toBe('bulk-129');
    });

    it('clears the outboxes only at the version that wrote them', async () => {
      // Prepare
      const cancel = { op: 'cancel' as const, userId: 'bob', key: 'viewed-no-cart-coupon#P-1', at: `${TEST_YEAR}-11-22T10:00:00.000Z` };
      await profiles.save(profileFactory({ userId: 'bob', version: 1, outbox: [intentFactory({ userId: 'bob' })], timerOutbox: [cancel] }), 0);

      // Act
      await profiles.clearOutbox('bob', 7);
      const afterStale = await profiles.load('bob');
      await profiles.clearOutbox('bob', 1);

      // Assess
      expect(afterStale).toMatchObject({ outbox: [expect.anything()], timerOutbox: [cancel] });
      expect(await profiles.load('bob')).toMatchObject({ outbox: [], timerOutbox: [] });
    });

    it('scans every profile page by page', async () => {
      // Act
      const seen: string[] = [];
      for await (const page of profiles.scanAll(50)) seen.push(...page.map((p) => p.userId));

      // Assess
      expect(seen).toEqual(expect.arrayContaining(['alice', 'bob', 'bulk-0', 'bulk-129']));
    });
  });

  // DynamoMessageLog (the delivery ledger) has its own suite: dynamo-message-log.test.ts.

});
