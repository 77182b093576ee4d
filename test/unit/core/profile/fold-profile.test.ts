import { foldProfile, MAX_TRAITS_BYTES } from '../../../../layers/core/profile/fold-profile';
import { emptyProfile, RECENT_INSERT_IDS_LIMIT, withDefaults } from '../../../../layers/core/profile/profile';
import { fingerprintOf, SEEN_INSERT_IDS_MAX_BYTES, seenFingerprints } from '../../../../layers/core/profile/seen-insert-ids';
import { ingestedEventFactory } from '../../../helpers/factories';

describe('foldProfile', () => {
  const identify = ingestedEventFactory({
    type: 'identify',
    timestamp: '2026-11-22T09:00:00.000Z',
    properties: { consent: { push: true }, timeZone: 'Europe/London', pushEndpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/1' },
  });
  const view = ingestedEventFactory({ type: 'product_view', timestamp: '2026-11-22T10:00:00.000Z' });
  const purchase = ingestedEventFactory({
    type: 'purchase',
    timestamp: '2026-11-22T10:05:00.000Z',
    properties: { orderId: 'o-1', currency: 'GBP', items: [{ productId: 'P-1', quantity: 2, price: 2.55 }, { productId: 'P-2', quantity: 1, price: 0.1 }] },
  });

  it('counts events, tracks first/last seen, spend and consent', () => {
    // Act
    const { profile, applied } = foldProfile(emptyProfile('user-1'), [identify, view, purchase]);

    // Assess
    expect(applied).toHaveLength(3);
    expect(profile).toMatchObject({
      counters: { identify: 1, product_view: 1, purchase: 1 },
      firstSeenAt: '2026-11-22T09:00:00.000Z',
      lastSeenAt: '2026-11-22T10:05:00.000Z',
      lastPurchaseAt: '2026-11-22T10:05:00.000Z',
      spend: { GBP: 5.2 },
      timeZone: 'Europe/London',
      consent: { push: { granted: true, at: '2026-11-22T09:00:00.000Z', source: 'identify' } },
      channels: { push: { endpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/1' } },
    });
  });

  it('leaves the profile exactly as it was when the same events come again', () => {
    // Prepare
    const once = foldProfile(emptyProfile('user-1'), [identify, view, purchase]).profile;

    // Act
    const again = foldProfile(once, [view, purchase, identify]);

    // Assess
    expect(again.applied).toEqual([]);
    expect(again.profile).toBe(once);
  });

  it('gives the same profile whatever order the events arrive in', () => {
    // Prepare
    const withdraw = ingestedEventFactory({ type: 'identify', timestamp: '2026-11-22T11:00:00.000Z', properties: { consent: { push: false } } });
    const events = [identify, view, purchase, withdraw];

    // Act
    const inOrder = foldProfile(emptyProfile('user-1'), events).profile;
    const reversed = foldProfile(emptyProfile('user-1'), [...events].reverse()).profile;
    const inTwoBatches = foldProfile(foldProfile(emptyProfile('user-1'), [withdraw, view]).profile, [purchase, identify]).profile;

    // Assess
    expect(reversed).toEqual(inOrder);
    expect({ ...inTwoBatches, seenInsertIds: undefined }).toEqual({ ...inOrder, seenInsertIds: undefined });
    expect(inTwoBatches.consent.push?.granted).toBe(false);
  });

  it('remembers a bounded window of insertIds, as fixed-size fingerprints', () => {
    // Prepare: insertIds of the longest kind the contract allows, one a millisecond, so the order is known
    const many = Array.from({ length: RECENT_INSERT_IDS_LIMIT + 10 }, (_, i) =>
      ingestedEventFactory({ insertId: `${String(i).padStart(4, '0')}-${'x'.repeat(59)}`, timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, i)).toISOString() }),
    );

    // Act
    const { profile } = foldProfile(emptyProfile('user-1'), many);
    const replayed = foldProfile(profile, many.slice(10));
    const forgotten = foldProfile(profile, many.slice(0, 10));

    // Assess: 6 bytes an insertId whatever its length; the newest 500 are duplicates, the 10 oldest forgotten
    expect(profile.seenInsertIds.byteLength).toBe(SEEN_INSERT_IDS_MAX_BYTES);
    expect(replayed.applied).toHaveLength(0);
    expect(forgotten.applied).toHaveLength(10);
  });

  it('catches a client retry and a replayed Kinesis batch of up to 500 events of one user', () => {
    // Prepare: a batch of 500 applied, then another user-visible batch, then the first one again
    const batch = Array.from({ length: RECENT_INSERT_IDS_LIMIT }, () => ingestedEventFactory());
    const once = foldProfile(emptyProfile('user-1'), batch).profile;

    // Act
    const again = foldProfile(once, [...batch].reverse());

    // Assess
    expect(again.applied).toHaveLength(0);
    expect(again.profile).toBe(once);
  });

  it('reads the raw insertIds of items written before fingerprints, and stores only fingerprints', () => {
    // Prepare: an item as older code wrote it
    const event = ingestedEventFactory();
    const { seenInsertIds: _, ...older } = foldProfile(emptyProfile('user-1'), [event]).profile;
    const stored = { ...older, recentInsertIds: ['some-older-id', event.insertId] };

    // Act
    const loaded = withDefaults(stored);
    const refolded = foldProfile(loaded, [event, ingestedEventFactory({ insertId: 'some-older-id' })]);

    // Assess
    expect(refolded.applied).toHaveLength(0);
    expect(loaded).not.toHaveProperty('recentInsertIds');
    expect(loaded.seenInsertIds.byteLength).toBe(12);
  });

  it('keeps the latest phone number for SMS, whatever order the identifies arrive in', () => {
    // Prepare
    const older = ingestedEventFactory({ type: 'identify', timestamp: '2026-11-22T09:00:00.000Z', properties: { phoneNumber: '+447700900001' } });
    const newer = ingestedEventFactory({ type: 'identify', timestamp: '2026-11-22T11:00:00.000Z', properties: { phoneNumber: '+447700900002', consent: { sms: true } } });

    // Act
    const { profile } = foldProfile(emptyProfile('user-1'), [newer, older]);

    // Assess
    expect(profile.channels.sms).toEqual({ phoneNumber: '+447700900002', at: '2026-11-22T11:00:00.000Z' });
    expect(profile.consent.sms?.granted).toBe(true);
  });

  it('counts feedback once, as an interaction, and keeps neither its rating nor its text', () => {
    // Prepare
    const feedback = ingestedEventFactory({
      type: 'feedback',
      timestamp: '2026-11-22T10:30:00.000Z',
      properties: { rating: 2, text: 'The parcel arrived broken', placement: 'order-confirmation' },
    });

    // Act
    const first = foldProfile(emptyProfile('user-1'), [feedback]);
    const again = foldProfile(first.profile, [feedback]);

    // Assess
    expect(first.applied).toEqual([feedback]);
    expect(first.profile).toMatchObject({ counters: { feedback: 1 }, activityDays: { '2026-11-22': 1 }, lastSeenAt: '2026-11-22T10:30:00.000Z' });
    expect(JSON.stringify({ ...first.profile, seenInsertIds: undefined })).not.toContain('broken');
    expect(again.applied).toEqual([]);
    expect(again.profile).toBe(first.profile);
  });

  it('does not mutate the profile it is given', () => {
    // Prepare
    const before = emptyProfile('user-1');
    const snapshot = structuredClone(before);

    // Act
    foldProfile(before, [identify, purchase]);

    // Assess
    expect(before).toEqual(snapshot);
  });

  describe('events the profile cannot take', () => {
    const bigOrder = (quantity: number, price: number) =>
      ingestedEventFactory({
        type: 'purchase',
        timestamp: '2026-11-22T10:06:00.000Z',
        properties: { orderId: 'o-big', currency: 'GBP', items: [{ productId: 'P-1', quantity, price }] },
      });

    it('refuses an order whose total (quantity × price) is beyond what the store keeps, and applies the rest', () => {
      // Prepare: each number is fine alone; their product (1e16) is not
      const hostile = bigOrder(1_000_000, 1e10);

      // Act
      const { profile, applied, refused } = foldProfile(emptyProfile('user-1'), [view, hostile, purchase]);

      // Assess
      expect(applied).toEqual([view, purchase]);
      expect(refused).toEqual([{ event: hostile, errors: [expect.objectContaining({ path: 'properties.items', code: 'INVALID_VALUE' })] }]);
      expect(profile.spend).toEqual({ GBP: 5.2 });
      expect(profile.counters).toEqual({ product_view: 1, purchase: 1 });
      expect(seenFingerprints(profile.seenInsertIds).has(fingerprintOf(hostile.insertId))).toBe(false);
    });

    it('refuses the order that would carry the running spend past what the store keeps', () => {
      // Prepare
      const first = bigOrder(1, 5e15);
      const second = { ...bigOrder(1, 5e15), insertId: 'evt-big-second', timestamp: '2026-11-22T10:07:00.000Z' };

      // Act
      const { profile, applied, refused } = foldProfile(emptyProfile('user-1'), [first, second]);

      // Assess
      expect(applied).toEqual([first]);
      expect(refused.map((r) => r.event)).toEqual([second]);
      expect(profile.spend.GBP).toBe(5e15);
    });

    it('refuses an identify whose traits would outgrow the profile', () => {
      // Prepare
      const bloated = ingestedEventFactory({ type: 'identify', properties: { traits: { blob: 'x'.repeat(MAX_TRAITS_BYTES) } } });

      // Act
      const { profile, applied, refused } = foldProfile(emptyProfile('user-1'), [identify, bloated]);

      // Assess
      expect(applied).toEqual([identify]);
      expect(refused).toEqual([{ event: bloated, errors: [expect.objectContaining({ path: 'properties.traits', code: 'INVALID_VALUE' })] }]);
      expect(profile.traits).toEqual({});
    });

    it('returns the profile untouched when every fresh event is refused', () => {
      // Prepare
      const current = emptyProfile('user-1');

      // Act
      const result = foldProfile(current, [bigOrder(1e9, 1e9)]);

      // Assess
      expect(result).toEqual({ profile: current, applied: [], refused: [expect.objectContaining({ errors: expect.any(Array) })], untracked: [] });
    });
  });
});
