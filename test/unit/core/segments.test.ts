import { matchesAudience } from '../../../layers/core/campaigns/match-audience';
import { parseSegment, resolveSegment, SegmentInvalidError } from '../../../layers/core/segments/segment';
import { profileFactory } from '../../helpers/factories';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

describe('audience predicates over traits, consent and time', () => {
  const profile = profileFactory({
    traits: { region: 'EU', memberLevel: 'gold', membershipExpiresAt: new Date(NOW.getTime() + 3 * 86_400_000).toISOString() },
    consent: { push: { granted: true, at: daysAgo(30), source: 'settings' }, sms: { granted: false, at: daysAgo(30), source: 'settings' } },
    lastPurchaseAt: daysAgo(70),
    lastSeenAt: daysAgo(2),
  });

  it.each([
    [{ traits: { region: ['EU', 'UK'] } }, true],
    [{ traits: { region: ['US'] } }, false],
    [{ traits: { ageBand: ['18-24'] } }, false],
    [{ consentGranted: ['push' as const] }, true],
    [{ consentGranted: ['push' as const, 'sms' as const] }, false],
    [{ noPurchaseForDays: 60 }, true],
    [{ noPurchaseForDays: 90 }, false],
    [{ purchasedWithinDays: 90 }, true],
    [{ purchasedWithinDays: 30 }, false],
    [{ inactiveForDays: 1 }, true],
    [{ inactiveForDays: 7 }, false],
    [{ dateTraitWithin: { trait: 'membershipExpiresAt', withinDays: 7 } }, true],
    [{ dateTraitWithin: { trait: 'membershipExpiresAt', withinDays: 2 } }, false],
    [{ dateTraitWithin: { trait: 'birthday', withinDays: 7 } }, false],
    [{ segment: 'unresolved' }, false],
  ])('%j → %s', (audience, expected) => {
    expect(matchesAudience(profile, audience, NOW)).toBe(expected);
  });

  it('takes users who never bought as not having bought for any number of days', () => {
    expect(matchesAudience(profileFactory({}), { noPurchaseForDays: 1 }, NOW)).toBe(true);
    expect(matchesAudience(profileFactory({}), { purchasedWithinDays: 3650 }, NOW)).toBe(false);
  });
});

describe('saved segments', () => {
  const segment = parseSegment('id: gold-eu\nname: Gold in the EU\naudience:\n  traits: { region: [EU], memberLevel: [gold] }\n', 'gold-eu.yaml');

  it('reads a segment file, and refuses unknown fields, a bad id and a segment naming a segment', () => {
    expect(segment).toEqual({ id: 'gold-eu', name: 'Gold in the EU', audience: { traits: { region: ['EU'], memberLevel: ['gold'] } } });
    const problems = (text: string) => {
      try {
        parseSegment(text, 'bad.yaml');
        return [];
      } catch (error) {
        return (error as SegmentInvalidError).problems.map((p) => p.path);
      }
    };
    expect(problems('id: x\nname: X\naudience: { colour: [red] }\n')).toEqual(['/audience']);
    expect(problems('id: Not An Id\nname: X\naudience: {}\n')).toEqual(['/id']);
    expect(problems('id: x\nname: X\naudience: { segment: y }\n')).toEqual(['/audience/segment']);
  });

  it('resolves a campaign audience into the segment\'s predicates and its own, and refuses repeats and unknown segments', () => {
    const segments = new Map([[segment.id, segment]]);
    expect(resolveSegment({ segment: 'gold-eu', consentGranted: ['push'] }, segments, 'c.yaml')).toEqual({ traits: { region: ['EU'], memberLevel: ['gold'] }, consentGranted: ['push'], fromSegment: 'gold-eu' });
    expect(() => resolveSegment({ segment: 'gold-eu', traits: { region: ['UK'] } }, segments, 'c.yaml')).toThrow(/\/audience\/traits is also set by segment "gold-eu"/);
    expect(() => resolveSegment({ segment: 'nope' }, segments, 'c.yaml')).toThrow(/not a saved segment/);
    expect(resolveSegment({ tagsAll: ['vip'] }, segments, 'c.yaml')).toEqual({ tagsAll: ['vip'] });
  });
});
