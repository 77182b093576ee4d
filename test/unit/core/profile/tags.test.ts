import { deriveProfile } from '../../../../layers/core/profile/derive-profile';
import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import { emptyProfile } from '../../../../layers/core/profile/profile';
import { ingestedEventFactory } from '../../../helpers/factories';

describe('tags', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const fold = (events: ReturnType<typeof ingestedEventFactory>[], timeZone?: string) =>
    deriveProfile(foldProfile({ ...emptyProfile('u'), ...(timeZone ? { timeZone } : {}) }, events).profile, now);

  it('tags night activity in the user\'s own time zone', () => {
    // Prepare: 23:00 UTC is night in London but 08:00 in Tokyo.
    const events = Array.from({ length: 5 }, (_, d) => ingestedEventFactory({ type: 'app_open', timestamp: `2026-11-1${d}T23:00:00Z` }));

    // Act & Assess
    expect(fold(events, 'Europe/London').tags).toContain('night-active');
    expect(fold(events, 'Asia/Tokyo').tags).not.toContain('night-active');
  });

  it('tags mobile activity and the strongest category interests', () => {
    // Prepare
    const events = [
      ...Array.from({ length: 4 }, () => ingestedEventFactory({ type: 'product_view', context: { platform: 'ios' }, properties: { productId: 'p', category: 'kitchen' } })),
      ingestedEventFactory({ type: 'add_to_cart', context: { platform: 'android' }, properties: { productId: 'p', category: 'garden' } }),
      ingestedEventFactory({ type: 'page_view', context: { platform: 'web' }, properties: { page: '/', category: 'toys' } }),
    ];

    // Act
    const { tags } = fold(events);

    // Assess
    expect(tags).toEqual(expect.arrayContaining(['mobile-active', 'interest:kitchen', 'interest:garden']));
    expect(tags).not.toContain('interest:toys');
  });

  it('tags value from orders and the last RFM run', () => {
    // Prepare
    const buyer = fold([ingestedEventFactory({ type: 'purchase' }), ingestedEventFactory({ type: 'purchase' })]);

    // Act
    const withRfm = deriveProfile({ ...buyer, rfm: { r: 5, f: 5, m: 5, segment: 'champions', recencyDays: 1, frequency: 2, monetary: 40, at: now.toISOString() } }, now);

    // Assess
    expect(fold([ingestedEventFactory({ type: 'login' })]).tags).toContain('never-purchased');
    expect(buyer.tags).toContain('repeat-buyer');
    expect(withRfm.tags).toEqual(expect.arrayContaining(['repeat-buyer', 'high-spender']));
  });
});
