import { acceptBatch } from '../../../../layers/core/contract/accept-batch';
import { eventFactory } from '../../../helpers/factories';

describe('acceptBatch', () => {
  const receivedAt = new Date('2026-11-22T10:10:00.000Z');

  it('keeps the good events and lists the bad ones by index', () => {
    // Prepare
    const good = eventFactory({ type: 'login' });
    const anonymous = { ...eventFactory(), userId: undefined, anonymousId: 'device-9' };
    delete anonymous.userId;

    // Act
    const { records, rejected } = acceptBatch([good, { type: 'login' }, anonymous, 'nonsense'], receivedAt);

    // Assess
    expect(records).toEqual([
      { partitionKey: 'user-1', event: { ...good, receivedAt: '2026-11-22T10:10:00.000Z' } },
      { partitionKey: 'anonymous:device-9', event: expect.objectContaining({ anonymousId: 'device-9' }) },
    ]);
    expect(rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(rejected[0]?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'insertId', code: 'MISSING_FIELD' })]));
  });
});
