import { DeliveryConfigInvalidError, readDeliveryPolicy } from '../../../../layers/core/messaging/delivery-policy';

describe('readDeliveryPolicy', () => {
  it('has the documented defaults', () => {
    expect(readDeliveryPolicy({})).toEqual({
      quietHours: { startMinute: 22 * 60, endMinute: 8 * 60 },
      caps: { push: 3, sms: 1, 'in-app': 3, marketing: 1 },
      ratePerSecond: { push: 100, sms: 20 },
      maxRateWaitMs: 2_000,
      holdoutShare: 0,
      minimumMarketingAge: 18,
    });
  });

  it('reads every setting', () => {
    const policy = readDeliveryPolicy({
      QUIET_HOURS: '21:30-07:00',
      DEFAULT_TIME_ZONE: 'Europe/Berlin',
      PUSH_RATE_PER_SECOND: '500',
      SMS_RATE_PER_SECOND: '5',
      PUSH_CAP_PER_24H: '5',
      MARKETING_CAP_PER_24H: '2',
      SMS_CAP_PER_24H: '0',
      IN_APP_CAP_PER_24H: '5',
      HOLDOUT_SHARE: '0.05',
    });
    expect(policy).toEqual({
      quietHours: { startMinute: 21 * 60 + 30, endMinute: 7 * 60 },
      defaultTimeZone: 'Europe/Berlin',
      caps: { push: 5, sms: 0, 'in-app': 5, marketing: 2 },
      ratePerSecond: { push: 500, sms: 5 },
      maxRateWaitMs: 2_000,
      holdoutShare: 0.05,
      minimumMarketingAge: 18,
    });
  });

  it.each(['-0.1', '0.6', 'five percent'])('refuses a holdout share of %s, naming the variable', (raw) => {
    expect(() => readDeliveryPolicy({ HOLDOUT_SHARE: raw })).toThrow(/^HOLDOUT_SHARE: must be a share from 0 to 0.5/);
  });

  it.each([
    ['QUIET_HOURS', 'nights'],
    ['DEFAULT_TIME_ZONE', 'Middle/Earth'],
    ['PUSH_RATE_PER_SECOND', '0'],
    ['SMS_RATE_PER_SECOND', '2.5'],
    ['PUSH_CAP_PER_24H', '-1'],
    ['MARKETING_CAP_PER_24H', 'one'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => readDeliveryPolicy({ [name]: value })).toThrow(DeliveryConfigInvalidError);
    expect(() => readDeliveryPolicy({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});
