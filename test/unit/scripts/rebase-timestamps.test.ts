import { rebaseTimestamps } from '../../../scripts/samples/rebase-timestamps';

describe('rebaseTimestamps', () => {
  it('moves the latest event to now and keeps the gaps between events', () => {
    // Prepare
    const batch = {
      events: [
        { type: 'page_view', timestamp: '2026-11-22T10:11:00.000Z' },
        { type: 'page_view', timestamp: '2026-11-22T10:14:00.000Z' },
        { type: 'page_view', timestamp: '2026-11-22T10:12:00.000Z' },
      ],
    };

    // Act
    const rebased = rebaseTimestamps(batch, new Date('2027-03-01T09:00:00.000Z'));

    // Assess
    expect(rebased.events.map((e) => e.timestamp)).toEqual(['2027-03-01T08:57:00.000Z', '2027-03-01T09:00:00.000Z', '2027-03-01T08:58:00.000Z']);
    expect(rebased.events[0]).toMatchObject({ type: 'page_view' });
  });

  it('leaves a batch without timestamps alone', () => {
    // Prepare
    const batch = { events: [{ type: 'login' }] };

    // Act
    const rebased = rebaseTimestamps(batch, new Date());

    // Assess
    expect(rebased).toBe(batch);
  });
});
