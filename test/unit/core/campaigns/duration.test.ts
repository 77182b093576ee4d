import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../../../layers/core/campaigns/duration';

describe('campaign durations', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['3d', 259_200_000],
    ['2w', 1_209_600_000],
    ['0m', 0],
  ])('reads %s as %d ms', (text, ms) => {
    // Act & Assess
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'm', '1.5h', '-1d', '3 d', '3D', '3days', ' 3d', '1y', '99999999999999999999d'])('refuses "%s"', (text) => {
    // Act & Assess
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [90_000, '90s'],
    [1_800_000, '30m'],
    [86_400_000, '1d'],
    [604_800_000, '7d'],
    [1_500, '1500ms'],
  ])('writes %d ms as %s', (ms, text) => {
    // Act & Assess
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads back whatever it writes', () => {
    // Act & Assess
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 * 86_400_000 }), (ms) => parseDuration(formatDuration(ms)) === ms),
      { seed: 5, numRuns: 2_000 },
    );
  });
});
