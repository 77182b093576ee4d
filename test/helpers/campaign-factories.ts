import type { Campaign } from '../../layers/core/campaigns/campaign';
import type { Clock } from '../../layers/core/clock';

/** A valid parsed campaign (an event-alone trigger, one default variant); override what the test is about. */
export const campaignFactory = (overrides: Partial<Campaign> = {}): Campaign => ({
  id: 'test-campaign',
  name: 'Test campaign',
  category: 'marketing',
  trigger: { event: { type: 'purchase' } },
  audience: {},
  content: [{ name: 'default', title: 'Hello', body: 'Thanks for your order', recommendations: 0 }],
  channels: ['push'],
  caps: { oncePerMs: 86_400_000 },
  ...overrides,
});

/** A clock that only moves when the test moves it. */
export const virtualClock = (start = '2026-11-22T10:00:00.000Z') => {
  let now = Date.parse(start);
  const clock: Clock = () => new Date(now);
  return {
    clock,
    advance: (ms: number) => {
      now += ms;
    },
  };
};
