import { isKnownMinor } from '../../../../layers/core/messaging/minors';
import { decideDelivery } from '../../../../layers/core/messaging/decide-delivery';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { deliveryPolicyFactory } from '../../../helpers/delivery-fakes';
import { intentFactory, profileFactory } from '../../../helpers/factories';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const traits = (t: Record<string, unknown>) => ({ traits: t });

describe('isKnownMinor', () => {
  it.each([
    [{ birthDate: '2008-11-23' }, true, 'birthDate: 17 years'],
    [{ birthDate: '2008-11-22' }, false, undefined],
    [{ ageBand: '13-17' }, true, 'ageBand: 13-17'],
    [{ ageBand: 'under-18' }, true, 'ageBand: under-18'],
    [{ ageBand: '<16' }, true, 'ageBand: <16'],
    [{ ageBand: '18-24' }, false, undefined],
    [{ ageBand: '65+' }, false, undefined],
    [{ birthDate: '1990-02-30' }, false, undefined],
    [{}, false, undefined],
  ])('reads %j as minor = %s under 18', (t, minor, detail) => {
    expect(isKnownMinor(traits(t), 18, NOW)).toEqual({ minor, ...(detail && { detail }) });
  });

  it('lets the birth date win over the band', () => {
    expect(isKnownMinor(traits({ birthDate: '1990-01-01', ageBand: '13-17' }), 18, NOW)).toEqual({ minor: false });
  });
});

describe('decideDelivery and minors', () => {
  const profile = profileFactory({ traits: { ageBand: '13-17' } });
  const input = (category: 'marketing' | 'transactional') => ({
    intent: intentFactory({ userId: profile.userId }),
    profile,
    campaign: campaignFactory({ category }),
    sends: [],
    now: NOW,
    policy: deliveryPolicyFactory(),
  });

  it('sends no marketing to a known minor, with the reason recorded', () => {
    expect(decideDelivery(input('marketing'))).toEqual({ kind: 'suppress', reason: 'MINOR', detail: 'ageBand: 13-17 (under 18)' });
  });

  it('still sends transactional messages to them', () => {
    expect(decideDelivery(input('transactional'))).not.toMatchObject({ reason: 'MINOR' });
  });
});
