import type { Recommender } from '../../../../layers/core/ports';
import {
  recommendWithFallback,
  withFallback,
  type AbortableRecommender,
  type FallbackReason,
} from '../../../../layers/core/recommendations/fallback-recommender';
import { fixedRecommender, manualTimer } from '../../../helpers/serving-factories';

describe('withFallback', () => {
  const request = { userId: 'u', count: 3, exclude: ['BOUGHT'], seedProductIds: ['SEED'] };

  it('keeps the primary answer in its order, minus excluded, seed, ineligible and duplicate items, topped up from the fallback', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const recommender = withFallback(fixedRecommender(['A', 'BOUGHT', 'A', 'SEED', 'OUT']), fixedRecommender(['B', 'A', 'OUT', 'C']), {
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

  it('never recommends back what the user bought before, which only the fallback knows', async () => {
    // Prepare
    const asked: string[] = [];
    const options = {
      after: manualTimer().after,
      alreadyBought: async (userId: string) => {
        asked.push(userId);
        return ['OLD-1', 'OLD-2'];
      },
    };

    // Act
    const answer = await recommendWithFallback(fixedRecommender(['OLD-1', 'A', 'OLD-2', 'B', 'C']), fixedRecommender(['X']), options, request);

    // Assess
    expect(answer).toEqual({ items: ['A', 'B', 'C'], answeredBy: 'primary' });
    expect(asked).toEqual(['u']);
  });

  it('passes on to the fallback everything it must leave out', async () => {
    // Prepare
    const fallbackRequests: Parameters<Recommender['recommend']>[0][] = [];
    const fallback: Recommender = {
      recommend: async (asked) => {
        fallbackRequests.push(asked);
        return ['B', 'C'];
      },
    };
    const options = { after: manualTimer().after, alreadyBought: async () => ['OLD'] };

    // Act
    await recommendWithFallback(fixedRecommender(['A']), fallback, options, request);

    // Assess
    expect(fallbackRequests).toEqual([{ ...request, exclude: expect.arrayContaining(['BOUGHT', 'SEED', 'OLD', 'A']) }]);
  });

  it('drops nothing more when what the user bought cannot be told', async () => {
    // Prepare
    const options = { after: manualTimer().after, alreadyBought: () => Promise.reject(new Error('model unavailable')) };

    // Act
    const answer = await recommendWithFallback(fixedRecommender(['A', 'B', 'C']), fixedRecommender([]), options, request);

    // Assess
    expect(answer.items).toEqual(['A', 'B', 'C']);
  });

  it.each([
    ['rejects', (): Promise<string[]> => Promise.reject(new Error('ThrottlingException'))],
    ['throws before its promise', (): Promise<string[]> => {
      throw new Error('bad request');
    }],
  ])('answers from the fallback, counted as an error, when the primary %s', async (_case, fails) => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const recommender = withFallback({ recommend: fails }, fixedRecommender(['B', 'BOUGHT', 'C', 'D']), {
      after: manualTimer().after,
      onFallback: (r) => reasons.push(r),
    });

    // Act
    const items = await recommender.recommend(request);

    // Assess
    expect(items).toEqual(['B', 'C', 'D']);
    expect(reasons).toEqual(['error']);
  });

  it('answers from the fallback when the primary runs past its budget, and aborts the primary', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const timer = manualTimer();
    let signal: AbortSignal | undefined;
    let answerLate: (items: string[]) => void = () => undefined;
    const slow: AbortableRecommender = {
      recommend: (_request, options) => {
        signal = options?.abortSignal;
        return new Promise((resolve) => (answerLate = resolve));
      },
    };
    const recommender = withFallback(slow, fixedRecommender(['B', 'C', 'D']), { budgetMs: 80, after: timer.after, onFallback: (r) => reasons.push(r) });

    // Act
    const pending = recommender.recommend(request);
    await Promise.resolve();
    const abortedBeforeBudget = signal?.aborted;
    timer.fire();
    const items = await pending;
    answerLate(['LATE']);

    // Assess
    expect(items).toEqual(['B', 'C', 'D']);
    expect(reasons).toEqual(['timeout']);
    expect(timer.requested).toEqual([80]);
    expect(abortedBeforeBudget).toBe(false);
    expect(signal?.aborted).toBe(true);
  });

  it('gives the primary 150 ms by default', async () => {
    // Prepare
    const timer = manualTimer();

    // Act
    await withFallback(fixedRecommender(['A', 'B', 'C']), fixedRecommender([]), { after: timer.after }).recommend(request);

    // Assess
    expect(timer.requested).toEqual([150]);
  });

  it('counts an empty primary answer, and a full one not at all', async () => {
    // Prepare
    const reasons: FallbackReason[] = [];
    const options = { after: manualTimer().after, onFallback: (r: FallbackReason) => reasons.push(r) };

    // Act
    const empty = await recommendWithFallback(fixedRecommender([]), fixedRecommender(['B', 'C', 'D']), options, request);
    const full = await recommendWithFallback(fixedRecommender(['A', 'B', 'C', 'D']), fixedRecommender(['X']), options, request);

    // Assess
    expect(empty).toEqual({ items: ['B', 'C', 'D'], answeredBy: 'fallback', fallback: 'empty' });
    expect(full).toEqual({ items: ['A', 'B', 'C'], answeredBy: 'primary' });
    expect(reasons).toEqual(['empty']);
  });
});
