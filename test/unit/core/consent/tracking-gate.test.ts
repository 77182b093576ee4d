import type { TrackingPolicy } from '../../../../layers/core/consent/tracking-policy';
import type { DecodedEvent } from '../../../../layers/core/contract/decode-records';
import type { IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { processEvents } from '../../../../layers/core/processing/process-events';
import { ingestedEventFactory } from '../../../helpers/factories';
import { InMemoryConsentReceipts, InMemoryEventArchive, InMemoryIntentQueue, InMemoryProfileStore } from '../../../helpers/in-memory-ports';
import { InMemoryTimerStore } from '../../../helpers/in-memory-timer-store';
import { staticCampaignSource, triggerCampaigns } from '../../../helpers/trigger-factories';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const at = (time: string) => `2026-11-22T${time}:00.000Z`;
const OPT_IN: TrackingPolicy = { default: 'opt-in', byRegion: {} };
const decoded = (events: IngestedEvent[]): DecodedEvent[] => events.map((event, i) => ({ sequenceNumber: String(i + 1), profileKey: event.userId ?? '', event }));
const view = (time: string, insertId = `view-${time}`) => ingestedEventFactory({ type: 'product_view', userId: 'ula', timestamp: at(time), insertId });
const tracking = (granted: boolean, time: string, insertId = `consent-${time}`) =>
  ingestedEventFactory({ type: 'consent', userId: 'ula', timestamp: at(time), insertId, properties: { purposes: { tracking: granted }, source: 'consent-banner', version: 'privacy-1' } });

describe('processEvents: tracking consent', () => {
  let profiles: InMemoryProfileStore;
  let consents: InMemoryConsentReceipts;
  let archive: InMemoryEventArchive;
  let intents: InMemoryIntentQueue;
  const run = (events: IngestedEvent[], policy = OPT_IN) =>
    processEvents({
      now: NOW,
      events: decoded(events),
      profiles,
      intents,
      timers: new InMemoryTimerStore(),
      campaigns: staticCampaignSource([triggerCampaigns.viewedNoCart]),
      consents,
      archive,
      tracking: policy,
    });

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    consents = new InMemoryConsentReceipts();
    archive = new InMemoryEventArchive();
    intents = new InMemoryIntentQueue();
  });

  it('keeps nothing of a user without consent under opt-in: no profile, no trigger, counted', async () => {
    // Act
    const result = await run([view('10:00'), view('10:01')]);

    // Assess
    expect(result).toMatchObject({ applied: 0, duplicates: 0, profilesWritten: 0, triggersFired: 0, notTracked: { NO_TRACKING_CONSENT: 2 } });
    expect(result.untrackedEvents.size).toBe(2);
    expect(profiles.items.size).toBe(0);
  });

  it('keeps what follows a grant in the same batch, whatever the arrival order', async () => {
    // Act
    const result = await run([view('10:05'), view('09:55'), tracking(true, '10:00')]);

    // Assess
    const profile = profiles.items.get('ula');
    expect(profile?.counters).toEqual({ consent: 1, product_view: 1 });
    expect(profile?.consent.tracking).toEqual({ granted: true, at: at('10:00'), since: at('10:00'), source: 'consent-banner', version: 'privacy-1' });
    expect([...result.untrackedEvents].map((e) => e.insertId)).toEqual(['view-09:55']);
  });

  it('keeps what came before a withdrawal and nothing after it', async () => {
    // Prepare
    await run([tracking(true, '09:00'), view('10:00')]);

    // Act
    const result = await run([tracking(false, '10:30'), view('10:45')]);

    // Assess
    expect(profiles.items.get('ula')?.counters).toEqual({ consent: 2, product_view: 1 });
    expect(result.notTracked).toEqual({ NO_TRACKING_CONSENT: 1 });
  });

  it('leaves out a late event older than the latest statement, and judges it the same on a replay', async () => {
    // Prepare
    await run([tracking(true, '10:00')]);

    // Act
    const first = await run([view('09:00')]);
    const replay = await run([view('09:00')]);

    // Assess
    expect(first.notTracked).toEqual({ BEFORE_LATEST_STATEMENT: 1 });
    expect(replay.notTracked).toEqual({ BEFORE_LATEST_STATEMENT: 1 });
    expect(profiles.items.get('ula')?.counters.product_view).toBeUndefined();
  });

  it('keeps a late event when the consent was only restated after it (an app restating at every start)', async () => {
    // Prepare
    await run([tracking(true, '09:00'), tracking(true, '10:00')]);

    // Act
    const result = await run([view('09:30'), view('08:30')]);

    // Assess
    expect(profiles.items.get('ula')?.consent.tracking).toMatchObject({ at: at('10:00'), since: at('09:00') });
    expect(result.applied).toBe(1);
    expect(result.notTracked).toEqual({ BEFORE_LATEST_STATEMENT: 1 });
  });

  it('follows the region override of the user traits folded so far', async () => {
    // Prepare
    const identify = ingestedEventFactory({ type: 'identify', userId: 'ula', timestamp: at('09:00'), insertId: 'identify-1', properties: { traits: { region: 'US' } } });

    // Act
    const result = await run([view('10:00'), identify], { default: 'opt-in', byRegion: { US: 'opt-out' } });

    // Assess
    expect(result.untrackedEvents.size).toBe(0);
    expect(profiles.items.get('ula')?.counters.product_view).toBe(1);
  });

  it('keeps a receipt per statement once, before the profile write, however often it is replayed', async () => {
    // Prepare
    const identify = ingestedEventFactory({ type: 'identify', userId: 'ula', timestamp: at('09:00'), insertId: 'identify-1', properties: { consent: { tracking: true, push: true, version: 'privacy-0' } } });
    let receiptsAtSave = 0;
    profiles.beforeSave = () => (receiptsAtSave = consents.items.size);

    // Act
    const first = await run([identify, tracking(false, '10:00')]);
    const replay = await run([identify, tracking(false, '10:00')]);

    // Assess
    expect(first.receiptsWritten).toBe(3);
    expect(receiptsAtSave).toBe(3);
    expect(replay).toMatchObject({ receiptsWritten: 0, duplicates: 2 });
    expect((await consents.history('ula')).map(({ receipt, granted, source, version }) => ({ receipt, granted, source, version }))).toEqual([
      { receipt: `${at('09:00')}#push#identify-1`, granted: true, source: 'identify', version: 'privacy-0' },
      { receipt: `${at('09:00')}#tracking#identify-1`, granted: true, source: 'identify', version: 'privacy-0' },
      { receipt: `${at('10:00')}#tracking#consent-10:00`, granted: false, source: 'consent-banner', version: 'privacy-1' },
    ]);
  });

  it('archives what it keeps, once, before the profile write: identity and consent always, behaviour only when tracked', async () => {
    // Prepare
    const identify = ingestedEventFactory({ type: 'identify', userId: 'ula', timestamp: at('08:00'), insertId: 'identify-1', properties: { phoneNumber: '+447700900123', pushEndpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/ula', timeZone: 'Europe/London' } });
    let archivedAtSave = 0;
    profiles.beforeSave = () => (archivedAtSave = archive.lines.length);

    // Act
    await run([identify, view('09:00'), tracking(true, '10:00'), view('10:30')]);
    await run([identify, view('09:00'), tracking(true, '10:00'), view('10:30')]);

    // Assess
    expect(archive.insertIds()).toEqual(['identify-1', 'consent-10:00', 'view-10:30']);
    expect(archivedAtSave).toBe(3);
    expect(archive.puts).toBe(1);
    expect(archive.lines.join('')).not.toMatch(/\+447700900123|endpoint\/GCM/);
    expect(JSON.parse(archive.lines[0]!).properties).toEqual({ timeZone: 'Europe/London' });
  });

  it('writes no profile when the archive refuses, so the retry archives and folds the events', async () => {
    // Prepare
    archive.failNext = new Error('ServiceUnavailableException');

    // Act
    const failed = await run([tracking(true, '10:00'), view('10:30')]);
    const retried = await run([tracking(true, '10:00'), view('10:30')]);

    // Assess
    expect([...failed.failed.keys()]).toEqual(['ula']);
    expect(retried).toMatchObject({ applied: 2, archived: { events: 2 } });
    expect(profiles.items.get('ula')?.counters).toEqual({ consent: 1, product_view: 1 });
  });
});
