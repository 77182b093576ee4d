import { DynamoMessageLog } from '../../../layers/adapters/dynamo-message-log';
import { DynamoProfileStore } from '../../../layers/adapters/dynamo-profile-store';
import { ProfileVersionConflictError } from '../../../layers/core/errors';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { intentFactory, profileFactory } from '../../helpers/factories';

describeWithAws('DynamoDB adapters against the provisioned Profiles and Messages tables', () => {
  let target: AwsTarget;
  let profiles: DynamoProfileStore;
  let log: DynamoMessageLog;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'ddb-');
    profiles = new DynamoProfileStore(target.clients.document, resourceOf(stack, 'Profiles').name);
    log = new DynamoMessageLog(target.clients.document, resourceOf(stack, 'Messages').name);
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

    it('clears the outbox only at the version that wrote it', async () => {
      // Prepare
      await profiles.save(profileFactory({ userId: 'bob', version: 1, outbox: [intentFactory({ userId: 'bob' })] }), 0);

      // Act
      await profiles.clearOutbox('bob', 7);
      const afterStale = await profiles.load('bob');
      await profiles.clearOutbox('bob', 1);

      // Assess
      expect(afterStale?.outbox).toHaveLength(1);
      expect((await profiles.load('bob'))?.outbox).toEqual([]);
    });

    it('scans every profile page by page', async () => {
      // Act
      const seen: string[] = [];
      for await (const page of profiles.scanAll(50)) seen.push(...page.map((p) => p.userId));

      // Assess
      expect(seen).toEqual(expect.arrayContaining(['alice', 'bob', 'bulk-0', 'bulk-129']));
    });
  });

  describe('DynamoMessageLog', () => {
    const at = new Date('2026-11-22T12:00:00Z');

    it('lets one delivery claim a message id, and only one', async () => {
      // Prepare
      const intent = intentFactory({ userId: 'carol' });

      // Act
      const claims = await Promise.all([log.claim(intent, at), log.claim(intent, at), log.claim(intent, at)]);

      // Assess
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('gives a claim back only while it is unsent', async () => {
      // Prepare
      const released = intentFactory({ userId: 'dave', occurrence: 'o-1' });
      const sent = intentFactory({ userId: 'dave', occurrence: 'o-2' });
      await log.claim(released, at);
      await log.claim(sent, at);
      await log.record(sent, { status: 'sent', providerMessageId: 'sns-1' }, at);

      // Act
      await log.release(released);

      // Assess
      await expect(log.release(sent)).rejects.toThrow();
      expect(await log.claim(released, at)).toBe(true);
      expect(await log.claim(sent, at)).toBe(false);
    });
  });
});
