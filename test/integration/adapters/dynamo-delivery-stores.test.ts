import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CAPS_SK, DynamoMessageLog, messageSk } from '../../../layers/adapters/dynamo-message-log';
import { DynamoSlotReserver, RATE_LIMIT_PK, rateLimitPartition } from '../../../layers/adapters/dynamo-rate-limiter';
import { ShardedSlotReserver, shardsFor, shareOf } from '../../../layers/core/messaging/sharded-reserver';
import type { DecisionRecord, SendRecord } from '../../../layers/core/messaging/ledger';
import { startAwsTarget, describeWithAws, provisionPipeline, resourceOf, type AwsTarget } from '../../helpers/aws-target';
import { TEST_YEAR } from '../../helpers/test-calendar';

const AT = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);

const decision = (userId: string, messageId: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  messageId,
  userId,
  campaignId: 'comeback-after-3-days',
  occurrence: `occ-${messageId}`,
  triggeredAt: `${TEST_YEAR}-11-22T11:00:00.000Z`,
  decidedAt: AT.toISOString(),
  status: 'sending',
  channel: 'push',
  variant: 'default',
  sendAt: AT.toISOString(),
  ...overrides,
});
const send = (messageId: string, at = AT.getTime()): SendRecord => ({ messageId, campaignId: 'comeback-after-3-days', channel: 'push', category: 'marketing', at });

/** The delivery ledger and the shared rate limiter against DynamoDB Local (the provisioned Messages table). */
describeWithAws('delivery stores against the provisioned Messages table', () => {
  let target: AwsTarget;
  let table: string;
  let log: DynamoMessageLog;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'deliv-');
    table = resourceOf(stack, 'Messages').name;
    log = new DynamoMessageLog(target.clients.document, table);
  });
  afterAll(() => target?.stop());

  describe('DynamoMessageLog', () => {
    it('reads nothing for a new user and message', async () => {
      expect(await log.read('nobody', 'm-0')).toEqual({ caps: { version: 0, sends: [] } });
    });

    it('writes the send decision and the caps in one transaction, each under its condition', async () => {
      // Prepare
      const first = decision('alice', 'm-1');

      // Act
      const committed = await log.commitSend(first, { version: 0, sends: [send('m-1')] });
      const again = await log.commitSend(first, { version: 1, sends: [send('m-1')] });
      const staleCaps = await log.commitSend(decision('alice', 'm-2'), { version: 0, sends: [send('m-2')] });

      // Assess
      expect([committed, again, staleCaps]).toEqual(['committed', 'decided-before', 'caps-changed']);
      const view = await log.read('alice', 'm-2');
      expect(view.decision).toBeUndefined(); // the refused transaction wrote neither item
      expect(view.caps).toEqual({ version: 1, sends: [send('m-1')] });
      expect((await log.read('alice', 'm-1')).decision).toMatchObject({ status: 'sending', channel: 'push', sendAt: AT.toISOString() });
    });

    it('lets exactly one of many concurrent sends for a user commit from the same caps', async () => {
      // Act
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => log.commitSend(decision('bob', `c-${i}`), { version: 0, sends: [send(`c-${i}`)] })),
      );

      // Assess
      expect(results.filter((r) => r === 'committed')).toHaveLength(1);
      expect(results.filter((r) => r !== 'committed').every((r) => r === 'caps-changed')).toBe(true);
      expect((await log.caps('bob')).version).toBe(1);
    });

    it('lets exactly one of many concurrent deliveries of one message commit', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => log.commitSend(decision('carol', 'same'), { version: 0, sends: [send('same')] }).catch(() => `error-${i}`)));
      expect(results.filter((r) => r === 'committed')).toHaveLength(1);
    });

    it('confirms the send with the provider id', async () => {
      // Prepare
      await log.commitSend(decision('dave', 'm-1'), { version: 0, sends: [send('m-1')] });

      // Act
      await log.confirm('dave', 'm-1', { status: 'sent', providerMessageId: 'sns-123', at: AT });

      // Assess
      expect((await log.read('dave', 'm-1')).decision).toMatchObject({ status: 'sent', providerMessageId: 'sns-123' });
    });

    it('gives a failed send back: the decision becomes `failed`, the caps forget it, and a retry may commit', async () => {
      // Prepare
      await log.commitSend(decision('erin', 'm-1'), { version: 0, sends: [send('m-1')] });

      // Act
      await log.giveBack(decision('erin', 'm-1', { status: 'failed', detail: 'Throttled' }), AT);
      const after = await log.read('erin', 'm-1');
      const retry = await log.commitSend(decision('erin', 'm-1'), { version: after.caps.version, sends: [send('m-1')] });

      // Assess
      expect(after.decision).toMatchObject({ status: 'failed', detail: 'Throttled' });
      expect(after.caps).toEqual({ version: 2, sends: [] });
      expect(retry).toBe('committed');
    });

    it('keeps the deferral history through the final decision, without stale fields', async () => {
      // Act
      expect(await log.record(decision('frank', 'm-1', { status: 'deferred', reason: 'QUIET_HOURS', deferredUntil: `${TEST_YEAR}-11-23T08:00:00.000Z`, channel: undefined, variant: undefined, sendAt: undefined }))).toBe('recorded');
      expect(await log.commitSend(decision('frank', 'm-1'), { version: 0, sends: [send('m-1')] })).toBe('committed');
      expect(await log.record(decision('frank', 'm-1', { status: 'suppressed', reason: 'NO_CONSENT' }))).toBe('decided-before');

      // Assess
      const [stored] = await log.decisions('frank');
      expect(stored).toMatchObject({ status: 'sending', deferrals: [{ at: AT.toISOString(), until: `${TEST_YEAR}-11-23T08:00:00.000Z`, reason: 'QUIET_HOURS' }] });
      expect(stored).not.toHaveProperty('deferredUntil');
      expect(stored).not.toHaveProperty('reason');
    });

    it('lists a user decisions, optionally for one campaign, and expires them after 90 days', async () => {
      // Prepare
      await log.record(decision('gina', 'm-1', { status: 'suppressed', reason: 'NO_CONSENT' }));
      await log.record(decision('gina', 'm-2', { status: 'suppressed', reason: 'TIME_ZONE_UNKNOWN', campaignId: 'browsed-three-pages' }));

      // Act
      const all = await log.decisions('gina');
      const one = await log.decisions('gina', 'browsed-three-pages');

      // Assess
      expect(all.map((d) => d.reason)).toEqual(['NO_CONSENT', 'TIME_ZONE_UNKNOWN']);
      expect(one.map((d) => d.messageId)).toEqual(['m-2']);
      const { Item } = await target.clients.document.send(new GetCommand({ TableName: table, Key: { userId: 'gina', sk: messageSk('m-1') } }));
      expect(Item?.expiresAt).toBe(AT.getTime() / 1000 + 90 * 86_400);
      const caps = await target.clients.document.send(new GetCommand({ TableName: table, Key: { userId: 'alice', sk: CAPS_SK } }));
      expect(caps.Item?.expiresAt).toBeGreaterThan(AT.getTime() / 1000 + 365 * 86_400);
    });
  });

  describe('DynamoSlotReserver', () => {
    const T0 = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);

    it('hands out slots one interval apart, then refuses past the deadline', async () => {
      // Prepare
      const reserver = new DynamoSlotReserver(target.clients.document, table, { push: 100, sms: 20 });

      // Act
      const first = await reserver.reserve('sms', 3, T0, new Date(T0.getTime() + 2_000));
      const second = await reserver.reserve('sms', 200, T0, new Date(T0.getTime() + 2_000));

      // Assess
      expect(first.slots.map((d) => d.getTime() - T0.getTime())).toEqual([0, 50, 100]);
      expect(second.slots).toHaveLength(38); // 150 ms … 2,000 ms
      expect(second.retryAfterMs).toBe(2_050);
      const { Item } = await target.clients.document.send(new GetCommand({ TableName: table, Key: { userId: RATE_LIMIT_PK, sk: 'sms' } }));
      expect(Item).toMatchObject({ tatUs: (T0.getTime() + 2_050) * 1000, ratePerSecond: 20 });
    });

    it('never hands out two slots closer than the interval to containers racing for the item', async () => {
      // Prepare: 8 "containers", each with its own client and cache, 25 concurrent reservations each
      const { config } = target.clients.dynamodb;
      const [endpoint, region, credentials] = await Promise.all([config.endpoint!(), config.region(), config.credentials()]);
      const clients = Array.from({ length: 8 }, () => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials })));
      const reservers = clients.map((client) => new DynamoSlotReserver(client, table, { push: 100, sms: 20 }));

      // Act
      const grants = await Promise.all(
        reservers.flatMap((reserver) => Array.from({ length: 25 }, (_, i) => reserver.reserve('push', 1 + (i % 4), T0, new Date(T0.getTime() + 60_000)))),
      );

      // Assess
      const slots = grants.flatMap((g) => g.slots.map((d) => d.getTime())).sort((a, b) => a - b);
      // Every ask is granted (the deadline is far away): concurrent increments do not make each other retry.
      expect(slots).toHaveLength(8 * (6 * (1 + 2 + 3 + 4) + 1));
      expect(new Set(slots).size).toBe(slots.length);
      for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(10);
      let maxInSecond = 0;
      for (let start = 0, end = 0; start < slots.length; start++) {
        while (end < slots.length && slots[end]! < slots[start]! + 1_000) end++;
        maxInSecond = Math.max(maxInSecond, end - start);
      }
      expect(maxInSecond).toBeLessThanOrEqual(100);
      for (const client of clients) client.destroy();
    });

    it('spreads a rate above one item\'s ceiling over shards, and the shards together never exceed it in any second', async () => {
      // Prepare: 20,000 sends a second for push is 4 shards of 5,000; 8 containers starting at different shards
      const rate = { push: 20_000, sms: 20 };
      const shards = shardsFor(rate);
      const containers = Array.from(
        { length: 8 },
        (_, c) => new ShardedSlotReserver(Array.from({ length: shards }, (_, k) => new DynamoSlotReserver(target.clients.document, table, shareOf(rate, shards), k)), c),
      );
      const at = new Date(T0.getTime() + 3_600_000);

      // Act: 8 × 50 reservations of 10 slots = 4,000 sends asked within the first 100 ms
      const grants = await Promise.all(containers.flatMap((reserver) => Array.from({ length: 50 }, () => reserver.reserve('push', 10, at, new Date(at.getTime() + 100)))));

      // Assess: every shard item was used, and no second (or 100 ms) holds more than the rate allows
      const slots = grants.flatMap((g) => g.slots.map((d) => d.getTime() - at.getTime())).sort((a, b) => a - b);
      expect(shards).toBe(4);
      expect(slots.length).toBeGreaterThan(1_900);
      expect(slots.length).toBeLessThanOrEqual(2_000 + shards); // 100 ms at 20,000 a second (each shard may start on the edge)
      for (let k = 0; k < shards; k++) {
        const { Item } = await target.clients.document.send(new GetCommand({ TableName: table, Key: { userId: rateLimitPartition(k), sk: 'push' } }));
        expect(Item).toMatchObject({ ratePerSecond: 5_000 });
      }
    });
  });
});
