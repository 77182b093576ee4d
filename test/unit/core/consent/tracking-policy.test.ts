import { parseTrackingPolicy, trackingVerdict, type TrackingPolicy } from '../../../../layers/core/consent/tracking-policy';

const AT = '2026-11-22T10:00:00.000Z';
const optIn: TrackingPolicy = { default: 'opt-in', byRegion: { US: 'opt-out' } };
const optOut: TrackingPolicy = { default: 'opt-out', byRegion: { EU: 'opt-in' } };
const statement = (granted: boolean, at = '2026-11-22T09:00:00.000Z') => ({ granted, at, source: 'consent-banner' });

describe('trackingVerdict', () => {
  it.each([
    ['opt-in, no statement', optIn, undefined, {}, 'NO_TRACKING_CONSENT'],
    ['opt-in, region override to opt-out', optIn, undefined, { region: 'US' }, undefined],
    ['opt-in, another region', optIn, undefined, { region: 'EU' }, 'NO_TRACKING_CONSENT'],
    ['opt-out, no statement', optOut, undefined, {}, undefined],
    ['opt-out, region override to opt-in', optOut, undefined, { region: 'EU' }, 'NO_TRACKING_CONSENT'],
    ['opt-in, granted before', optIn, statement(true), {}, undefined],
    ['opt-out, refused before', optOut, statement(false), {}, 'NO_TRACKING_CONSENT'],
    ['a statement at the same time decides', optIn, statement(true, AT), {}, undefined],
    ['a grant after the event', optIn, statement(true, '2026-11-22T11:00:00.000Z'), {}, 'BEFORE_LATEST_STATEMENT'],
    ['a grant restated after the event, first made before it', optIn, { ...statement(true, '2026-11-22T11:00:00.000Z'), since: '2026-11-22T09:00:00.000Z' }, {}, undefined],
    ['a withdrawal after the event, even under opt-out', optOut, statement(false, '2026-11-22T11:00:00.000Z'), {}, 'BEFORE_LATEST_STATEMENT'],
  ])('%s', (_, policy, latest, traits, expected) => {
    // Act
    const verdict = trackingVerdict({ statement: latest, traits, policy, at: AT });

    // Assess
    expect(verdict).toBe(expected);
  });

  it('ignores a region trait that is not a string, and inherited keys', () => {
    expect(trackingVerdict({ statement: undefined, traits: { region: 42 }, policy: optIn, at: AT })).toBe('NO_TRACKING_CONSENT');
    expect(trackingVerdict({ statement: undefined, traits: { region: 'toString' }, policy: optIn, at: AT })).toBe('NO_TRACKING_CONSENT');
  });
});

describe('parseTrackingPolicy', () => {
  it('defaults to opt-in with no overrides', () => {
    expect(parseTrackingPolicy({})).toEqual({ default: 'opt-in', byRegion: {} });
  });

  it('reads the default and the per-region map', () => {
    expect(parseTrackingPolicy({ default: 'opt-out', byRegion: '{"EU":"opt-in","US":"opt-out"}' })).toEqual({ default: 'opt-out', byRegion: { EU: 'opt-in', US: 'opt-out' } });
  });

  it.each([
    [{ default: 'yes' }, /opt-in or opt-out/],
    [{ byRegion: 'EU=opt-in' }, /JSON object/],
    [{ byRegion: '["EU"]' }, /JSON object/],
    [{ byRegion: '{"EU":"maybe"}' }, /region "EU" must be opt-in or opt-out/],
  ])('refuses %j', (raw, reason) => {
    expect(() => parseTrackingPolicy(raw)).toThrow(reason);
  });
});
