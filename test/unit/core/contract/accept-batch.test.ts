import { acceptBatch, MAX_FUTURE_SKEW_MS } from '../../../../layers/core/contract/accept-batch';
import { maskIp } from '../../../../layers/core/contract/mask-ip';
import { eventFactory } from '../../../helpers/factories';

describe('acceptBatch', () => {
  const receivedAt = new Date('2026-11-22T10:10:00.000Z');

  it('keeps the good events and lists the bad ones by index', () => {
    // Prepare
    const good = eventFactory({ type: 'login' });
    const anonymous = { ...eventFactory(), userId: undefined, anonymousId: 'device-9' };
    delete anonymous.userId;

    // Act
    const { records, rejected } = acceptBatch([good, { type: 'login' }, anonymous, 'nonsense'], { receivedAt });

    // Assess
    expect(records).toEqual([
      { partitionKey: 'user-1', event: { ...good, receivedAt: '2026-11-22T10:10:00.000Z' } },
      { partitionKey: 'anonymous:device-9', event: expect.objectContaining({ anonymousId: 'device-9' }) },
    ]);
    expect(rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(rejected[0]?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'insertId', code: 'MISSING_FIELD' })]));
  });

  it('stores the masked network of the client, never its address', () => {
    // Act
    const { records } = acceptBatch([eventFactory()], { receivedAt, sourceIp: '203.0.113.77' });

    // Assess
    expect(records[0]?.event.ipPrefix).toBe('203.0.113.0/24');
    expect(JSON.stringify(records)).not.toContain('203.0.113.77');
  });

  it('clamps a timestamp too far in the future to the receive time and keeps the original', () => {
    // Prepare
    const future = new Date(receivedAt.getTime() + MAX_FUTURE_SKEW_MS + 1).toISOString();
    const slightlyAhead = new Date(receivedAt.getTime() + MAX_FUTURE_SKEW_MS).toISOString();
    const longAgo = '2010-12-01T08:26:00.000Z';

    // Act
    const { records } = acceptBatch(
      [eventFactory({ timestamp: future }), eventFactory({ timestamp: slightlyAhead }), eventFactory({ timestamp: longAgo })],
      { receivedAt },
    );

    // Assess
    expect(records.map((r) => [r.event.timestamp, r.event.clientTimestamp])).toEqual([
      [receivedAt.toISOString(), future],
      [slightlyAhead, undefined],
      [longAgo, undefined],
    ]);
  });
});

describe('maskIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:abcd:12:34::1', '2001:db8:abcd::/48'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['not an ip', undefined],
    [undefined, undefined],
  ])('masks %s to %s', (ip, masked) => {
    expect(maskIp(ip)).toBe(masked);
  });
});
