import type { DecodedEvent } from '../../../../layers/core/contract/decode-records';
import { profileKeyOf, type IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { processEvents } from '../../../../layers/core/processing/process-events';
import { ingestedEventFactory, trackingGrantFactory } from '../../../helpers/factories';
import { InMemoryConsentReceipts, InMemoryEventArchive, InMemoryIntentQueue, InMemoryProfileStore } from '../../../helpers/in-memory-ports';
import { InMemoryTimerStore } from '../../../helpers/in-memory-timer-store';
import { staticCampaignSource, triggerCampaigns } from '../../../helpers/trigger-factories';

const { viewedNoCart } = triggerCampaigns;
const NOW = new Date('2026-11-22T12:00:00.000Z');
const at = (time: string) => `2026-11-22T${time}:00.000Z`;
const ANON = 'anonymous:device-1';
let sequence = 0;
const decoded = (events: IngestedEvent[]): DecodedEvent[] => events.map((event) => ({ sequenceNumber: String(++sequence), profileKey: profileKeyOf(event), event }));

describe('processEvents: identity merge', () => {
  let profiles: InMemoryProfileStore;
  let timers: InMemoryTimerStore;
  let consents: InMemoryConsentReceipts;
  let intents: InMemoryIntentQueue;
  const run = (events: IngestedEvent[], tracking: 'opt-in' | 'opt-out' = 'opt-out') =>
    processEvents({ now: NOW, events: decoded(events), profiles, intents, timers, campaigns: staticCampaignSource([viewedNoCart]), consents, archive: new InMemoryEventArchive(), tracking: { default: tracking, byRegion: {} } });
  const browse = (time: string, insertId = `view-${time}`) => ingestedEventFactory({ type: 'product_view', userId: undefined, anonymousId: 'device-1', insertId, timestamp: at(time) });
  const login = (time: string, userId = 'alice') => ingestedEventFactory({ type: 'login', userId, anonymousId: 'device-1', insertId: `login-${userId}-${time}`, timestamp: at(time) });

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    timers = new InMemoryTimerStore();
    consents = new InMemoryConsentReceipts();
    intents = new InMemoryIntentQueue();
  });

  it('merges the anonymous browse into the user at login: history, trigger state and the armed timer, now the user’s', async () => {
    // Prepare
    await run([browse('10:00')]);

    // Act
    const result = await run([login('10:05')]);

    // Assess
    expect(result).toMatchObject({ profilesMerged: 1, profilesWritten: 1 });
    expect(profiles.items.get(ANON)).toMatchObject({ mergedInto: 'alice', counters: {}, version: 2 });
    expect(profiles.items.get('alice')).toMatchObject({ counters: { product_view: 1, login: 1 }, aliases: [ANON], categoryScores: { kitchen: 1 }, timerOutbox: [] });
    expect(profiles.items.get('alice')?.triggers.timers[viewedNoCart.id]?.starts).toEqual([expect.objectContaining({ value: 'P-1', insertId: 'view-10:00' })]);
    expect([...timers.items.values()]).toEqual([expect.objectContaining({ userId: 'alice', key: `${viewedNoCart.id}#P-1`, intent: expect.objectContaining({ userId: 'alice' }) })]);
  });

  it('lets the user’s add to cart cancel the timer the anonymous browse armed', async () => {
    // Prepare
    await run([browse('10:00')]);
    await run([login('10:05')]);

    // Act
    await run([ingestedEventFactory({ type: 'add_to_cart', userId: 'alice', insertId: 'cart-1', timestamp: at('10:10') })]);

    // Assess
    expect(timers.items.size).toBe(0);
  });

  it('merges once however often the login is replayed, even past the deduplication window', async () => {
    // Prepare
    await run([browse('10:00')]);
    await run([login('10:05')]);
    const merged = structuredClone(profiles.items.get('alice'));

    // Act
    const replay = await run([login('10:05')]);
    profiles.items.get('alice')!.seenInsertIds = new Uint8Array(0);
    const forgotten = await run([login('10:05')]);

    // Assess
    expect(replay).toMatchObject({ applied: 0, profilesMerged: 0, profilesWritten: 0 });
    expect(forgotten).toMatchObject({ applied: 1, profilesMerged: 0 });
    expect(profiles.items.get('alice')?.counters).toEqual({ product_view: 1, login: 2 });
    expect(profiles.items.get('alice')?.aliases).toEqual(merged?.aliases);
  });

  it('puts later anonymous events on the user, late or not, and a replay of the merged ones nowhere', async () => {
    // Prepare
    await run([browse('10:00')]);
    await run([login('10:05')]);

    // Act
    const later = await run([browse('10:20'), browse('09:50')]);
    const replay = await run([browse('10:00')]);

    // Assess
    expect(later).toMatchObject({ eventsRedirected: 2, applied: 2 });
    expect(replay).toMatchObject({ eventsRedirected: 1, applied: 0, duplicates: 1 });
    expect(profiles.items.get('alice')).toMatchObject({ counters: { product_view: 3, login: 1 }, firstSeenAt: at('09:50') });
    expect(profiles.items.get(ANON)?.counters).toEqual({});
  });

  it('merges what an anonymous write added while the merge was being decided (the version race)', async () => {
    // Prepare
    await run([browse('10:00')]);
    let raced = false;
    profiles.beforeSave = (profile) => {
      if (profile.userId !== 'alice' || raced) return;
      raced = true;
      const anonymous = profiles.items.get(ANON)!;
      profiles.items.set(ANON, { ...anonymous, version: anonymous.version + 1, counters: { product_view: 2 } });
    };

    // Act
    const result = await run([login('10:05')]);

    // Assess
    expect(result).toMatchObject({ versionConflicts: 1, profilesMerged: 1 });
    expect(profiles.items.get('alice')?.counters).toEqual({ product_view: 2, login: 1 });
  });

  it('processes a batch holding both the anonymous events and the login, whichever write comes first', async () => {
    // Act
    await run([browse('10:00'), login('10:05'), browse('10:06')]);

    // Assess
    expect(profiles.items.get('alice')?.counters).toEqual({ product_view: 2, login: 1 });
    expect(profiles.items.get(ANON)).toMatchObject({ mergedInto: 'alice', counters: {} });
  });

  it('copies the anonymous consent receipts to the user and keeps the latest statement per purpose', async () => {
    // Prepare
    await run([trackingGrantFactory({ anonymousId: 'device-1', userId: undefined, insertId: 'banner-1', timestamp: at('09:00') })]);

    // Act
    await run([login('10:05')]);

    // Assess
    expect((await consents.history('alice')).map((r) => [r.purpose, r.granted, r.insertId])).toEqual([['tracking', true, 'banner-1']]);
    expect(profiles.items.get('alice')?.consent.tracking).toMatchObject({ granted: true, source: 'consent-banner' });
  });

  it('gives a second user logging in on the same device none of its history', async () => {
    // Prepare
    await run([browse('10:00')]);
    await run([login('10:05')]);

    // Act
    const result = await run([login('11:00', 'bob')]);

    // Assess
    expect(result.profilesMerged).toBe(0);
    expect(profiles.items.get('bob')?.counters).toEqual({ login: 1 });
    expect(profiles.items.get(ANON)?.mergedInto).toBe('alice');
  });

  it('claims an anonymous id that has no profile yet, so its first events land on the user', async () => {
    // Act
    await run([login('10:05')]);
    const later = await run([browse('10:20')]);

    // Assess
    expect(profiles.items.get(ANON)).toMatchObject({ mergedInto: 'alice', version: 1 });
    expect(later.eventsRedirected).toBe(1);
    expect(profiles.items.get('alice')?.counters).toEqual({ product_view: 1, login: 1 });
  });

  it('folds the login batch into the merged profile, so the tracking consent the device gave covers it (opt-in)', async () => {
    // Prepare
    await run([trackingGrantFactory({ anonymousId: 'device-1', userId: undefined, insertId: 'banner-1', timestamp: at('09:00') }), browse('10:00')], 'opt-in');

    // Act
    const result = await run([login('10:05'), ingestedEventFactory({ type: 'page_view', userId: 'alice', insertId: 'page-1', timestamp: at('10:06') })], 'opt-in');

    // Assess
    expect(result).toMatchObject({ applied: 2, notTracked: {} });
    expect(profiles.items.get('alice')?.counters).toEqual({ consent: 1, product_view: 1, login: 1, page_view: 1 });
  });
});
