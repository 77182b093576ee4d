import { auditPartitionsBetween, auditExpiresAt } from '../../../../layers/core/audit/audit-keys';
import { userTarget } from '../../../../layers/core/audit/audit-target';
import { jsonDiff } from '../../../../layers/core/audit/json-diff';

describe('jsonDiff', () => {
  it('names each added, removed and replaced member by its JSON Pointer, keeping the old value', () => {
    const before = { id: 'c1', caps: { perDay: 1 }, channels: ['push', 'sms'], note: 'x', 'a/b': 1 };
    const after = { id: 'c1', caps: { perDay: 2 }, channels: ['push'], rollout: { stages: [5, 100] }, 'a/b': 2 };

    expect(jsonDiff(before, after)).toEqual([
      { op: 'replace', path: '/a~1b', old: 1, value: 2 },
      { op: 'replace', path: '/caps/perDay', old: 1, value: 2 },
      { op: 'remove', path: '/channels/1', old: 'sms' },
      { op: 'remove', path: '/note', old: 'x' },
      { op: 'add', path: '/rollout', value: { stages: [5, 100] } },
    ]);
  });

  it('is empty for equal values and describes a new definition as one add', () => {
    expect(jsonDiff({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
    expect(jsonDiff(undefined, { id: 'c1' })).toEqual([{ op: 'replace', path: '/', old: undefined, value: { id: 'c1' } }]);
  });
});

describe('audit keys and targets', () => {
  it('reads a period as the month partitions it touches', () => {
    expect(auditPartitionsBetween('2026-11-30T23:00:00Z', '2027-01-01T00:00:00Z')).toEqual(['AUDIT#2026-11', 'AUDIT#2026-12', 'AUDIT#2027-01']);
  });

  it('expires an entry its retention in days after it was recorded', () => {
    expect(auditExpiresAt('2026-01-01T00:00:00Z', 400)).toBe(Date.UTC(2027, 1, 5) / 1_000);
  });

  it('names a user by the sha256 of the id, never the id', () => {
    expect(userTarget('u1')).toMatch(/^user:[0-9a-f]{64}$/);
  });
});
