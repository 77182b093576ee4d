import type { Recommender } from '../../layers/core/ports';
import type { ModelMetrics } from '../../layers/core/recommendations/model-store';
import { TRAINED_AT } from './recommendation-factories';

/** A version's offline metrics; override what the test is about. */
export const modelMetricsFactory = (overrides: Partial<ModelMetrics> = {}): ModelMetrics => ({
  hitRate: 0.31,
  recall: 0.08,
  ndcg: 0.12,
  coverage: 0.4,
  evaluatedCustomers: 1_200,
  trainedAt: TRAINED_AT,
  ...overrides,
});

/** A recommender that always answers `items`, whatever is asked. */
export const fixedRecommender = (items: readonly string[]): Recommender => ({ recommend: async () => [...items] });

/**
 * A virtual timer for budgets: `after(ms)` resolves only when the test calls `fire()`, so that a timeout
 * is a step of the test, not a wait. `requested` lists the delays asked for.
 */
export const manualTimer = () => {
  const pending: (() => void)[] = [];
  const requested: number[] = [];
  return {
    requested,
    after: (ms: number) =>
      new Promise<void>((resolve) => {
        requested.push(ms);
        pending.push(resolve);
      }),
    fire: () => pending.splice(0).forEach((resolve) => resolve()),
  };
};
