import type { DecodedEvent } from '../../../../layers/core/contract/decode-records';
import type { IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { messageIdFor } from '../../../../layers/core/messaging/intent';
import { processEvents, type ProcessEventsInput } from '../../../../layers/core/processing/process-events';
import { withDefaults } from '../../../../layers/core/profile/profile';
import { ingestedEventFactory, profileFactory } from '../../../helpers/factories';
import { InMemoryConsentReceipts, InMemoryEventArchive, InMemoryIntentQueue, InMemoryProfileStore } from '../../../helpers/in-memory-ports';
import { InMemoryTimerStore } from '../../../helpers/in-memory-timer-store';
import { DAY, staticCampaignSource, triggerCampaigns } from '../../../helpers/trigger-factories';

const { viewedNoCart, relatedAfterPurchase, browsedThree, thanks } = triggerCampaigns;
const NOW = new Date('2026-11-22T12:00:00.000Z');
const decoded = (events: IngestedEvent[]): DecodedEvent[] =>
  events.map((event, i) => ({ sequenceNumber: String(i + 1), profileKey: event.userId ?? '', event }));
const at = (time: string) => `2026-11-22T${time}:00.000Z`;

describe('processEvents', () => {
  let profiles: InMemoryProfileStore;
  let intents: InMemoryIntentQueue;
  let timers: InMemoryTimerStore;
  let campaigns: ReturnType<typeof staticCampaignSource>;
  const run = (events: IngestedEvent[], overrides: Partial<ProcessEventsInput> = {}) =>
    // Opt-out: these cases are about triggers and outboxes; tracking consent has its own tests.
    processEvents({ now: NOW, events: decoded(events), profiles, intents, timers, campaigns, consents: new InMemoryConsentReceipts(), archive: new InMemoryEventArchive(), tracking: { default: 'opt-out', byRegion: {} }, ...overrides });

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    intents = new InMemoryIntentQueue();
    timers = new InMemoryTimerStore();
    campaigns = staticCampaignSource([thanks, relatedAfterPurchase, viewedNoCart]);
  });

  it('writes each user once, enqueues what fires now and arms the timers, after the write', async () => {
    // Prepare
    const purchase = ingestedEventFactory({ type: 'purchase', userId: 'alice', timestamp: at('10:05') });
    const events = [
      ingestedEventFactory({ type: 'product_view', userId: 'alice', timestamp: at('10:00') }),
      ingestedEventFactory({ type: 'add_to_cart', userId: 'alice', timestamp: at('10:01') }),
      purchase,
      ingestedEventFactory({ type: 'login', userId: 'bob' }),
    ];

    // Act
    const result = await run(events);

    // Assess
    expect(profiles.writes).toBe(2);
    expect(campaigns.reads).toBe(1);
    // The view and its cart came together: the view arms nothing, so the cart has nothing to cancel.
    expect(result).toMatchObject({ applied: 4, duplicates: 0, profilesWritten: 2, triggersFired: 1, intentsSent: 1, timersArmed: 1, timersCancelled: 0 });
    expect(intents.sent).toEqual([
      expect.objectContaining({ campaignId: thanks.id, messageId: messageIdFor({ userId: 'alice', campaignId: thanks.id, occurrence: purchase.insertId }) }),
    ]);
    expect([...timers.items.values()]).toEqual([
      expect.objectContaining({
        userId: 'alice',
        key: 'related-products-after-purchase#-',
        dueAt: new Date(Date.parse(purchase.timestamp) + DAY).toISOString(),
        intent: expect.objectContaining({ messageId: messageIdFor({ userId: 'alice', campaignId: relatedAfterPurchase.id, occurrence: purchase.insertId }) }),
      }),
    ]);
    expect(profiles.items.get('alice')).toMatchObject({ version: 1, outbox: [], timerOutbox: [] });
  });

  it('makes one write per user when nothing goes to the outboxes: no timer command for a cart with no view, no clearing', async () => {
    // Prepare
    const clearOutbox = jest.spyOn(profiles, 'clearOutbox');
    const carts = [ingestedEventFactory({ type: 'add_to_cart', userId: 'alice' }), ingestedEventFactory({ type: 'add_to_cart', userId: 'alice', properties: { productId: 'P-2', quantity: 1, price: 1 } })];

    // Act
    const result = await run(carts);

    // Assess
    expect(result).toMatchObject({ applied: 2, profilesWritten: 1, timersCancelled: 0, timersArmed: 0, intentsSent: 0 });
    expect(timers.applied).toEqual([]);
    expect(clearOutbox).not.toHaveBeenCalled();
  });

  it('changes nothing, enqueues nothing and applies no timer command when a batch is replayed', async () => {
    // Prepare
    const events = [ingestedEventFactory({ type: 'purchase', userId: 'alice' }), ingestedEventFactory({ type: 'product_view', userId: 'alice' })];
    await run(events);
    const before = structuredClone(profiles.items.get('alice'));
    const commands = timers.applied.length;

    // Act
    const result = await run(events);

    // Assess
    expect(result).toMatchObject({ applied: 0, duplicates: 2, profilesWritten: 0, triggersFired: 0, intentsSent: 0, timersArmed: 0, timersCancelled: 0 });
    expect(profiles.items.get('alice')).toEqual(before);
    expect(intents.sent).toHaveLength(1);
    expect(timers.applied).toHaveLength(commands);
  });

  it('keeps the trigger state with the profile, so a count carries over batches', async () => {
    // Prepare
    campaigns = staticCampaignSource([browsedThree]);
    const page = (time: string) => ingestedEventFactory({ type: 'page_view', userId: 'alice', timestamp: at(time) });
    await run([page('10:00'), page('10:01')]);
    const counted = profiles.items.get('alice')?.triggers.counts[browsedThree.id]?.events.length;

    // Act
    const result = await run([page('10:02')]);

    // Assess
    expect(counted).toBe(2);
    expect(result).toMatchObject({ triggersFired: 1, intentsSent: 1 });
  });

  it('processes a profile stored before triggers existed, as the store loads it', async () => {
    // Prepare
    const { triggers: _triggers, timerOutbox: _timerOutbox, ...stored } = profileFactory({ userId: 'alice', version: 4 });
    const loaded = withDefaults(stored);
    profiles.items.set('alice', loaded);

    // Act
    const result = await run([ingestedEventFactory({ type: 'purchase', userId: 'alice' })]);

    // Assess
    expect(loaded).toMatchObject({ triggers: { counts: {}, timers: {} }, timerOutbox: [] });
    expect(result).toMatchObject({ applied: 1, timersArmed: 1 });
    expect(profiles.items.get('alice')).toMatchObject({ version: 5, timerOutbox: [] });
  });

  it('reloads and folds again when another writer wins the race', async () => {
    // Prepare
    profiles.items.set('alice', profileFactory({ userId: 'alice', version: 1, counters: { login: 1 } }));
    let raced = false;
    profiles.beforeSave = () => {
      if (raced) return;
      raced = true;
      const stored = profiles.items.get('alice')!;
      profiles.items.set('alice', { ...stored, version: 2, counters: { login: 2 } });
    };

    // Act
    const result = await run([ingestedEventFactory({ type: 'login', userId: 'alice' })]);

    // Assess
    expect(result.versionConflicts).toBe(1);
    expect(result.failed.size).toBe(0);
    expect(profiles.items.get('alice')).toMatchObject({ version: 3, counters: { login: 3 } });
  });

  it('reports a user as failed after every attempt lost the race, without touching others', async () => {
    // Prepare
    profiles.beforeSave = (profile) => {
      if (profile.userId !== 'alice') return;
      const stored = profiles.items.get('alice');
      profiles.items.set('alice', { ...(stored ?? profileFactory({ userId: 'alice' })), version: (stored?.version ?? 0) + 1 });
    };

    // Act
    const result = await run([ingestedEventFactory({ userId: 'alice' }), ingestedEventFactory({ userId: 'bob' })], { maxAttempts: 3 });

    // Assess
    expect([...result.failed.keys()]).toEqual(['alice']);
    expect(result.versionConflicts).toBe(2);
    expect(profiles.items.get('bob')?.version).toBe(1);
  });

  it('fails the whole batch, writing nothing, when the campaigns cannot be read', async () => {
    // Prepare
    campaigns = { ...staticCampaignSource([]), active: () => Promise.reject(new Error('campaigns table unavailable')) };

    // Act & Assess
    await expect(run([ingestedEventFactory({ userId: 'alice' })])).rejects.toThrow('campaigns table unavailable');
    expect(profiles.writes).toBe(0);
  });

  it('keeps intents in the outbox when the queue fails and sends them on the retry', async () => {
    // Prepare
    const events = [ingestedEventFactory({ type: 'purchase', userId: 'alice' })];
    intents.failNext = 1;

    // Act
    const first = await run(events);
    const retry = await run(events);

    // Assess
    expect([...first.failed.keys()]).toEqual(['alice']);
    expect(retry.failed.size).toBe(0);
    expect(retry.applied).toBe(0);
    expect(intents.sent).toHaveLength(1);
    expect(profiles.items.get('alice')?.outbox).toEqual([]);
  });

  it('keeps timer commands in the profile when the Timers table fails and applies them on the retry', async () => {
    // Prepare
    const events = [ingestedEventFactory({ type: 'purchase', userId: 'alice' })];
    timers.failApplyNext = 1;

    // Act
    const first = await run(events);
    const written = structuredClone(profiles.items.get('alice'));
    const retry = await run(events);

    // Assess
    expect([...first.failed.keys()]).toEqual(['alice']);
    expect(written?.timerOutbox).toEqual([expect.objectContaining({ op: 'arm' })]);
    expect(retry).toMatchObject({ applied: 0, timersArmed: 1, intentsSent: 1 });
    expect(timers.get('alice', 'related-products-after-purchase#-')).toBeDefined();
    expect(profiles.items.get('alice')).toMatchObject({ outbox: [], timerOutbox: [] });
  });

  it('applies an unflushed arm before the cancel of a later batch, so the cancel wins', async () => {
    // Prepare: the view's arm is written but the Timers table is down
    timers.failApplyNext = 1;
    await run([ingestedEventFactory({ type: 'product_view', userId: 'alice', timestamp: at('10:00') })]);

    // Act
    const result = await run([ingestedEventFactory({ type: 'add_to_cart', userId: 'alice', timestamp: at('10:10') })]);

    // Assess
    expect(result).toMatchObject({ timersArmed: 1, timersCancelled: 1 });
    expect(timers.applied.map((c) => c.op)).toEqual(['arm', 'cancel']);
    expect(timers.items.size).toBe(0);
  });

  it('reports the records the profile cannot take, applies the others, and counts no duplicate', async () => {
    // Prepare: an order of 1e16 in total (each number alone is valid)
    const hostile = ingestedEventFactory({
      type: 'purchase',
      userId: 'alice',
      timestamp: at('10:05'),
      properties: { orderId: 'o-big', currency: 'GBP', items: [{ productId: 'P-1', quantity: 1_000_000, price: 1e10 }] },
    });
    const events = [ingestedEventFactory({ type: 'login', userId: 'alice', timestamp: at('10:00') }), hostile];

    // Act
    const result = await run(events);

    // Assess
    expect(result).toMatchObject({ applied: 1, duplicates: 0, profilesWritten: 1 });
    expect(result.refused).toEqual([
      { sequenceNumber: '2', profileKey: 'alice', errors: [expect.objectContaining({ path: 'properties.items', code: 'INVALID_VALUE' })] },
    ]);
    expect(profiles.items.get('alice')).toMatchObject({ counters: { login: 1 }, spend: {} });
    expect(intents.sent).toEqual([]);
  });

  it('reports a refused record even when nothing else of the user is written', async () => {
    // Prepare
    const bloated = ingestedEventFactory({ type: 'identify', userId: 'bob', properties: { traits: { blob: 'x'.repeat(70_000) } } });

    // Act
    const result = await run([bloated]);

    // Assess
    expect(result).toMatchObject({ applied: 0, duplicates: 0, profilesWritten: 0 });
    expect(result.refused).toEqual([expect.objectContaining({ sequenceNumber: '1', profileKey: 'bob' })]);
    expect(profiles.items.has('bob')).toBe(false);
  });
});
