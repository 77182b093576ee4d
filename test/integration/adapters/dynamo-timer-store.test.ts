import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTimerStore, shardOf, TIMER_SHARDS } from '../../../layers/adapters/dynamo-timer-store';
import type { Timer } from '../../../layers/core/triggers/timer';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { DAY, MINUTE, timerFactory } from '../../helpers/trigger-factories';
import { TEST_YEAR } from '../../helpers/test-calendar';

const ARMED = `${TEST_YEAR}-11-22T10:00:00.000Z`;
const at = (ms: number) => new Date(Date.parse(ARMED) + ms);
const iso = (ms: number) => at(ms).toISOString();

describeWithAws('DynamoTimerStore against DynamoDB', () => {
  let target: AwsTarget;
  let store: DynamoTimerStore;
  let table: string;

  beforeAll(async () => {
    target = await startAwsTarget();
    table = resourceOf(await provisionPipeline(target, 'timer-store-'), 'Timers').name;
    store = new DynamoTimerStore(target.clients.document, table);
  });
  afterAll(() => target?.stop());

  const stored = async (timer: Pick<Timer, 'userId' | 'key'>) =>
    (await target.clients.document.send(new GetCommand({ TableName: table, Key: { userId: timer.userId, key: timer.key } }))).Item;

  it('stores an armed timer under its user and key, in the due index from its due time on', async () => {
    // Prepare
    const timer = timerFactory({ userId: 'ann', armedAt: ARMED, dueInMs: 30 * MINUTE, key: 'viewed-no-cart-coupon#P-1' });

    // Act
    await store.apply([{ op: 'arm', timer }]);

    // Assess
    expect(await store.due(at(30 * MINUTE - 1), 10)).not.toContainEqual(expect.objectContaining({ userId: 'ann' }));
    expect(await store.due(at(30 * MINUTE), 10)).toContainEqual(timer);
    expect(await stored(timer)).toMatchObject({
      shard: shardOf('ann', 'viewed-no-cart-coupon#P-1'),
      dueAt: Date.parse(timer.dueAt),
      armedAtMs: Date.parse(ARMED),
      expiresAt: Math.floor(Date.parse(timer.dueAt) / 1000) + 7 * 86_400,
    });
    await store.complete(timer);
  });

  it('lets an arm replace only an older arm of its key, and applying one twice changes nothing', async () => {
    // Prepare
    const first = timerFactory({ userId: 'ben', armId: 'login-b', armedAt: iso(10 * MINUTE) });
    const older = timerFactory({ userId: 'ben', armId: 'login-a', armedAt: iso(0) });
    const sameTimeGreaterId = timerFactory({ userId: 'ben', armId: 'login-c', armedAt: iso(10 * MINUTE) });
    const newer = timerFactory({ userId: 'ben', armId: 'login-d', armedAt: iso(20 * MINUTE) });

    // Act & Assess
    await store.apply([{ op: 'arm', timer: first }, { op: 'arm', timer: first }, { op: 'arm', timer: older }]);
    expect(await stored(first)).toMatchObject({ armId: 'login-b' });
    await store.apply([{ op: 'arm', timer: sameTimeGreaterId }]);
    expect(await stored(first)).toMatchObject({ armId: 'login-c' });
    await store.apply([{ op: 'arm', timer: newer }, { op: 'arm', timer: sameTimeGreaterId }]);
    expect(await stored(first)).toMatchObject({ armId: 'login-d', dueAt: Date.parse(newer.dueAt) });
  });

  it('compares client times as instants, whatever their offset', async () => {
    // Prepare: 10:30+01:00 is 09:30Z, older than 10:00Z
    const utc = timerFactory({ userId: 'cat', armId: 'login-utc', armedAt: `${TEST_YEAR}-11-22T10:00:00Z` });
    const offset = timerFactory({ userId: 'cat', armId: 'login-zzz', armedAt: `${TEST_YEAR}-11-22T10:30:00+01:00` });

    // Act
    await store.apply([{ op: 'arm', timer: utc }, { op: 'arm', timer: offset }]);

    // Assess
    expect(await stored(utc)).toMatchObject({ armId: 'login-utc' });
  });

  it('cancels a timer only when it was armed at or before the cancel and not yet due', async () => {
    // Prepare
    const timer = timerFactory({ userId: 'dan', armedAt: ARMED, dueInMs: 30 * MINUTE, key: 'viewed-no-cart-coupon#P-1' });
    const cancel = (ms: number) => ({ op: 'cancel' as const, userId: 'dan', key: timer.key, at: iso(ms) });
    await store.apply([{ op: 'arm', timer }]);

    // Act & Assess
    await store.apply([cancel(-1), cancel(30 * MINUTE + 1), { op: 'cancel', userId: 'dan', key: 'viewed-no-cart-coupon#P-2', at: iso(MINUTE) }]);
    expect(await stored(timer)).toBeDefined();
    await store.apply([cancel(30 * MINUTE)]);
    expect(await stored(timer)).toBeUndefined();
    await store.apply([cancel(30 * MINUTE)]);
  });

  it("applies each key's commands in order", async () => {
    // Prepare
    const timer = timerFactory({ userId: 'eve', armedAt: ARMED, dueInMs: 30 * MINUTE, key: 'viewed-no-cart-coupon#P-1' });
    const other = timerFactory({ userId: 'eve', armedAt: ARMED, dueInMs: 30 * MINUTE, key: 'viewed-no-cart-coupon#P-2' });

    // Act
    await store.apply([
      { op: 'arm', timer },
      { op: 'arm', timer: other },
      { op: 'cancel', userId: 'eve', key: timer.key, at: iso(MINUTE) },
    ]);

    // Assess
    expect(await stored(timer)).toBeUndefined();
    expect(await stored(other)).toBeDefined();
    await store.complete(other);
  });

  it('reads the due timers of every shard, oldest first, at most the limit', async () => {
    // Prepare
    const timers = Array.from({ length: 40 }, (_, i) => timerFactory({ userId: `due-${String(i).padStart(2, '0')}`, armedAt: ARMED, dueInMs: DAY + (39 - i) * 1000 }));
    await store.apply([...timers, timerFactory({ userId: 'not-yet', armedAt: ARMED, dueInMs: 2 * DAY })].map((timer) => ({ op: 'arm', timer })));

    // Act
    const first = await store.due(at(2 * DAY - 1), 15);
    const all = await store.due(at(2 * DAY - 1), 100);

    // Assess
    expect(new Set(timers.map((t) => shardOf(t.userId, t.key))).size).toBe(TIMER_SHARDS);
    expect(first.map((t) => t.userId)).toEqual(timers.map((t) => t.userId).reverse().slice(0, 15));
    expect(all).toHaveLength(40);
    for (const timer of all) await store.complete(timer);
    expect(await store.due(at(2 * DAY - 1), 100)).toEqual([]);
  });

  it('completes a fired timer only if it was not re-armed meanwhile, and only once', async () => {
    // Prepare
    const fired = timerFactory({ userId: 'fay', armId: 'login-1', armedAt: ARMED, dueInMs: MINUTE });
    const rearmed = timerFactory({ userId: 'fay', armId: 'login-2', armedAt: iso(MINUTE), dueInMs: MINUTE });
    const once = timerFactory({ userId: 'gus', armedAt: ARMED, dueInMs: MINUTE });
    await store.apply([{ op: 'arm', timer: fired }, { op: 'arm', timer: rearmed }, { op: 'arm', timer: once }]);

    // Act
    const staleComplete = await store.complete(fired);
    const completes = await Promise.all([store.complete(once), store.complete(once)]);

    // Assess
    expect(staleComplete).toBe(false);
    expect(await stored(rearmed)).toMatchObject({ armId: 'login-2' });
    expect(completes.sort()).toEqual([false, true]);
    expect(await stored(once)).toBeUndefined();
    await store.complete(rearmed);
  });

  it('moves an anonymous profile’s timers to its user, with the intent now the user’s, once', async () => {
    // Prepare: two timers of the device; the user has a later arm of one of the keys already
    const from = 'anonymous:device-9';
    const viewed = timerFactory({ userId: from, armedAt: ARMED, dueInMs: 30 * MINUTE, key: 'viewed-no-cart-coupon#P-1' });
    const bought = timerFactory({ userId: from, armedAt: ARMED, dueInMs: DAY, key: 'related-products-after-purchase#-' });
    const usersOwn = timerFactory({ userId: 'vera', armedAt: iso(MINUTE), dueInMs: DAY, key: 'related-products-after-purchase#-' });
    await store.apply([{ op: 'arm', timer: viewed }, { op: 'arm', timer: bought }, { op: 'arm', timer: usersOwn }]);

    // Act: the move comes first in the batch but is applied after its arm
    const later = timerFactory({ userId: from, armedAt: iso(2 * MINUTE), dueInMs: 30 * MINUTE, key: 'viewed-no-cart-coupon#P-2' });
    await store.apply([{ op: 'move', userId: from, toUserId: 'vera' }, { op: 'arm', timer: later }]);
    await store.apply([{ op: 'move', userId: from, toUserId: 'vera' }]);

    // Assess
    expect(await stored(viewed)).toBeUndefined();
    expect(await stored(later)).toBeUndefined();
    expect(await stored({ userId: 'vera', key: viewed.key })).toMatchObject({ armId: viewed.armId, intent: { ...viewed.intent, userId: 'vera' } });
    expect(await stored({ userId: 'vera', key: later.key })).toMatchObject({ armId: later.armId });
    expect(await stored({ userId: 'vera', key: bought.key })).toMatchObject({ armId: usersOwn.armId });
  });
});
