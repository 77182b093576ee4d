import { CampaignCacheTtlInvalidError, campaignCacheTtlMs } from '../../../layers/runtime/campaign-cache-ttl';

describe('campaignCacheTtlMs', () => {
  it.each([
    [undefined, 60_000],
    ['', 60_000],
    ['0', 0],
    ['15', 15_000],
    ['2.5', 2_500],
  ])('reads %p as %p ms', (value, expected) => {
    // Act & Assess
    expect(campaignCacheTtlMs({ CAMPAIGN_CACHE_TTL_SECONDS: value })).toBe(expected);
  });

  it.each(['-1', 'a minute', 'Infinity'])('refuses %p, naming the variable', (value) => {
    // Act & Assess
    expect(() => campaignCacheTtlMs({ CAMPAIGN_CACHE_TTL_SECONDS: value })).toThrow(CampaignCacheTtlInvalidError);
    expect(() => campaignCacheTtlMs({ CAMPAIGN_CACHE_TTL_SECONDS: value })).toThrow(/CAMPAIGN_CACHE_TTL_SECONDS/);
  });
});
