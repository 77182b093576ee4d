import { activityLevel, pruneDays } from '../../../../layers/core/profile/activity';
import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import { emptyProfile } from '../../../../layers/core/profile/profile';
import { ingestedEventFactory } from '../../../helpers/factories';

describe('activity from day buckets', () => {
  const at = (iso: string) => new Date(iso);
  const threeLoginsOnNov20 = foldProfile(
    emptyProfile('u'),
    ['08:00', '12:00', '20:00'].map((time) => ingestedEventFactory({ type: 'login', timestamp: `2026-11-20T${time}:00.000Z` })),
  ).profile;

  it('is high with 3 interactions in the last 7 days', () => {
    expect(activityLevel(threeLoginsOnNov20.activityDays, at('2026-11-26T23:59:59Z'))).toBe('high');
  });

  it('decays as the days pass, without any new event', () => {
    // Act
    const levels = ['2026-11-26T12:00:00Z', '2026-11-27T00:00:00Z', '2026-12-19T23:00:00Z', '2026-12-20T00:00:00Z'].map((now) =>
      activityLevel(threeLoginsOnNov20.activityDays, at(now)),
    );

    // Assess: day 7 still counts; day 8 drops out of the week; day 30 still counts; day 31 does not.
    expect(levels).toEqual(['high', 'low', 'low', 'inactive']);
  });

  it('is medium with fewer than 3 interactions in the week', () => {
    // Prepare
    const { activityDays } = foldProfile(emptyProfile('u'), [ingestedEventFactory({ type: 'login', timestamp: '2026-11-20T08:00:00Z' })]).profile;

    // Act & Assess
    expect(activityLevel(activityDays, at('2026-11-21T00:00:00Z'))).toBe('medium');
  });

  it('does not count what the app says about the user (identify) as an interaction', () => {
    // Prepare
    const { activityDays } = foldProfile(emptyProfile('u'), [ingestedEventFactory({ type: 'identify' })]).profile;

    // Act & Assess
    expect(activityDays).toEqual({});
  });

  it('keeps only the buckets that can still matter', () => {
    expect(pruneDays({ '2026-01-01': 1, '2026-01-30': 2, '2026-01-31': 3 }, 30)).toEqual({ '2026-01-30': 2, '2026-01-31': 3 });
  });
});
