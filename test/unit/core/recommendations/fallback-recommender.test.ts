import { withFallback, type FallbackReason } from '../../../../layers/core/recommendations/fallback-recommender';
import type { Recommender } from '../../../../layers/core/ports';

const fixed = (items: string[]): Recommender => ({ recommend: async () => items });
/** A timer that fires only when the test says so. */
const manualTimer = () => {
  let fire: () => void = () => undefined;
  return { after: () => new Promise<void>((resolve) => (fire = resolve)), fire: () => fire() };
};

describe('withFallback', () => {
  const request = { userId: 'u', count: 3, exclude: ['BOUGHT'], seedProductIds: ['SEED'] };

  it('keeps the primary answer, minus excluded, ineligible and duplicate items, topped up from the fallback', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const recommender = withFallback(fixed(['A', 'BOUGHT', 'A', 'SEED', 'OUT']), fixed(['B', 'A', 'C']), {
      after: manualTimer().after,
      isEligible: (item) => item !== 'OUT',
      onFallback: (reason) => reasons.push(reason),
    });

    // Act
    const items = await recommender.recommend(request);

    // Assess
    expect(items).toEqual(['A', 'B', 'C']);
    expect(reasons).toEqual(['empty']);
  });

  it('answers from the fallback when the primary fails', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const failing: Recommender = { recommend: async () => Promise.reject(new Error('ThrottlingException')) };
    const recommender = withFallback(failing, fixed(['B', 'C', 'D']), { after: manualTimer().after, onFallback: (r) => reasons.push(r) });

    // Act
    const items = await recommender.recommend(request);

    // Assess
    expect(items).toEqual(['B', 'C', 'D']);
    expect(reasons).toEqual(['error']);
  });

  it('answers from the fallback when the primary runs past its budget', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const timer = manualTimer();
    const never: Recommender = { recommend: () => new Promise(() => undefined) };
    const recommender = withFallback(never, fixed(['B', 'C', 'D']), { budgetMs: 150, after: timer.after, onFallback: (r) => reasons.push(r) });

    // Act
    const pending = recommender.recommend(request);
    timer.fire();
    const items = await pending;

    // Assess
    expect(items).toEqual(['B', 'C', 'D']);
    expect(reasons).toEqual(['timeout']);
  });

  it('does not count a full primary answer as a fallback', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const recommender = withFallback(fixed(['A', 'B', 'C', 'D']), fixed(['X']), { after: manualTimer().after, onFallback: (r) => reasons.push(r) });

    // Act
    const items = await recommender.recommend(request);

    // Assess
    expect(items).toEqual(['A', 'B', 'C']);
    expect(reasons).toEqual([]);
  });
});
