import type { DecodedEvent } from '../../../../layers/core/contract/decode-records';
import type { IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { messageIdFor } from '../../../../layers/core/messaging/intent';
import { processEvents } from '../../../../layers/core/processing/process-events';
import { RELATED_PRODUCTS_CAMPAIGN_ID } from '../../../../layers/core/triggers/evaluate-triggers';
import { ingestedEventFactory, profileFactory } from '../../../helpers/factories';
import { InMemoryIntentQueue, InMemoryProfileStore } from '../../../helpers/in-memory-ports';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const decoded = (events: IngestedEvent[]): DecodedEvent[] =>
  events.map((event, i) => ({ sequenceNumber: String(i + 1), profileKey: event.userId ?? '', event }));

describe('processEvents', () => {
  let profiles: InMemoryProfileStore;
  let intents: InMemoryIntentQueue;
  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    intents = new InMemoryIntentQueue();
  });

  it('writes each user once and sends one related-products intent per purchase', async () => {
    // Prepare
    const purchase = ingestedEventFactory({ type: 'purchase', userId: 'alice' });
    const events = decoded([
      ingestedEventFactory({ type: 'product_view', userId: 'alice' }),
      ingestedEventFactory({ type: 'add_to_cart', userId: 'alice' }),
      purchase,
      ingestedEventFactory({ type: 'login', userId: 'bob' }),
    ]);

    // Act
    const result = await processEvents({ now: NOW, events, profiles, intents });

    // Assess
    expect(profiles.writes).toBe(2);
    expect(result).toMatchObject({ applied: 4, duplicates: 0, profilesWritten: 2, intentsSent: 1 });
    expect(intents.sent).toEqual([
      expect.objectContaining({
        userId: 'alice',
        campaignId: RELATED_PRODUCTS_CAMPAIGN_ID,
        messageId: messageIdFor({ userId: 'alice', campaignId: RELATED_PRODUCTS_CAMPAIGN_ID, occurrence: purchase.insertId }),
      }),
    ]);
    expect(profiles.items.get('alice')).toMatchObject({ version: 1, outbox: [] });
  });

  it('changes nothing and sends nothing when a batch is replayed', async () => {
    // Prepare
    const events = decoded([ingestedEventFactory({ type: 'purchase', userId: 'alice' })]);
    await processEvents({ now: NOW, events, profiles, intents });
    const before = structuredClone(profiles.items.get('alice'));

    // Act
    const result = await processEvents({ now: NOW, events, profiles, intents });

    // Assess
    expect(result).toMatchObject({ applied: 0, duplicates: 1, profilesWritten: 0 });
    expect(profiles.items.get('alice')).toEqual(before);
    expect(intents.sent).toHaveLength(1);
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
    const result = await processEvents({ now: NOW, events: decoded([ingestedEventFactory({ type: 'login', userId: 'alice' })]), profiles, intents });

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
    const events = decoded([ingestedEventFactory({ userId: 'alice' }), ingestedEventFactory({ userId: 'bob' })]);

    // Act
    const result = await processEvents({ now: NOW, events, profiles, intents, maxAttempts: 3 });

    // Assess
    expect([...result.failed.keys()]).toEqual(['alice']);
    expect(result.versionConflicts).toBe(2);
    expect(profiles.items.get('bob')?.version).toBe(1);
  });

  it('keeps intents in the outbox when the queue fails and sends them on the retry', async () => {
    // Prepare
    const events = decoded([ingestedEventFactory({ type: 'purchase', userId: 'alice' })]);
    intents.failNext = 1;

    // Act
    const first = await processEvents({ now: NOW, events, profiles, intents });
    const retry = await processEvents({ now: NOW, events, profiles, intents });

    // Assess
    expect([...first.failed.keys()]).toEqual(['alice']);
    expect(retry.failed.size).toBe(0);
    expect(retry.applied).toBe(0);
    expect(intents.sent).toHaveLength(1);
    expect(profiles.items.get('alice')?.outbox).toEqual([]);
  });
});
