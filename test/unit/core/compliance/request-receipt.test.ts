import { mergeOutcomes, receiptOf } from '../../../../layers/core/compliance/request-receipt';
import { SUBJECT_STORES } from '../../../../layers/core/compliance/subject-stores';

const RUN = { requestId: 'req-1', kind: 'erase' as const, userId: 'ann', requestedBy: 'local:dpo', requestedAt: '2026-12-01T09:00:00.000Z' };

describe('mergeOutcomes', () => {
  it('sums a store across archive days and sweeps, and a failure anywhere is the store\'s outcome', () => {
    const results = {
      first: [{ store: 'profiles', outcome: 'erased', items: 1 }, [{ store: 'archive', outcome: 'erased', items: 3 }, { store: 'archive', outcome: 'failed', detail: 'Error' }]],
      second: [{ store: 'profiles', outcome: 'erased', items: 0 }, [{ store: 'archive', outcome: 'erased', items: 1 }]],
    };
    expect(mergeOutcomes(results)).toEqual([
      { store: 'archive', outcome: 'failed', detail: 'Error', items: 4 },
      { store: 'profiles', outcome: 'erased', items: 1 },
    ]);
  });
});

describe('receiptOf', () => {
  it('names the user by hash only, and reports every store, those with nothing to visit as done with 0 items', () => {
    const receipt = receiptOf(RUN, [{ store: 'profiles', outcome: 'erased', items: 1 }], new Date('2026-12-01T09:05:00.000Z'), { sweeps: 2 });
    expect(receipt).toMatchObject({ requestId: 'req-1', status: 'succeeded', completedAt: '2026-12-01T09:05:00.000Z', sweeps: 2, target: expect.stringMatching(/^user:[0-9a-f]{64}$/) });
    expect(receipt.stores.map((store) => store.store).sort()).toEqual([...SUBJECT_STORES].sort());
    expect(receipt.stores.find((store) => store.store === 'timers')).toEqual({ store: 'timers', outcome: 'erased', items: 0 });
    expect(JSON.stringify(receipt)).not.toContain('"ann"');
  });

  it('fails when any store failed', () => {
    expect(receiptOf(RUN, [{ store: 'kpis', outcome: 'failed' }], new Date()).status).toBe('failed');
  });
});
