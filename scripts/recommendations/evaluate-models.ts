import { ONLINE_RETAIL_DATASET } from '../replay/dataset';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { RankingMetrics } from '../../layers/core/recommendations/metrics';
import type { HybridModel, TrainingParams } from '../../layers/core/recommendations/model';
import { parseModel, serialiseModel } from '../../layers/core/recommendations/model-artifact';
import { DEFAULT_SCORING, recommendItems, type ScoringConfig } from '../../layers/core/recommendations/recommend-items';
import { trainModel } from '../../layers/core/recommendations/train-model';
import { evaluateModel, popularityRanking, popularRecommender, type Holdout, type Recommend } from './holdout-protocol';
import { itemDescriptions, toInteractions, type RetailPurchase } from './online-retail-purchases';

/** The dataset shipped in the repository (events/datasets/README.md). */
export const DEFAULT_DATA = ONLINE_RETAIL_DATASET;
/** The protocol's cut: train before, test from (the file's local invoice times). */
export const TEST_FROM = '2011-11-01';
/** The protocol's list length. */
export const K = 10;

/** The hybrid's collaborative component alone: item-based CF (popularity only breaks its ties). */
export const CF_ONLY: ScoringConfig = { ...DEFAULT_SCORING, weights: { collaborative: 1, content: 0, popularity: 0 } };
/** The hybrid's other components alone, printed so that the blend's gain over each part shows. */
export const CONTENT_ONLY: ScoringConfig = { ...DEFAULT_SCORING, weights: { collaborative: 0, content: 1, popularity: 0 } };
export const RECENT_POPULARITY_ONLY: ScoringConfig = { ...DEFAULT_SCORING, weights: { collaborative: 0, content: 0, popularity: 1 } };

/** Trains the hybrid on purchase lines: one interaction per line, invoices as baskets, descriptions as content. */
export const trainOnPurchases = (purchases: readonly RetailPurchase[], params: Partial<TrainingParams> = {}, userIdOf?: (customerId: string) => string): HybridModel =>
  trainModel({ interactions: toInteractions(purchases, userIdOf), items: itemDescriptions(purchases), params });

/** A model as the protocol calls it. It knows what the customer bought in train and leaves it out itself. */
export const hybridRecommender = (model: HybridModel, config: ScoringConfig): Recommend => (customerId, _bought, k) =>
  recommendItems(model, { userId: customerId, count: k }, config).map((r) => r.itemId);

export interface EvaluationReport {
  trainLines: number;
  testLines: number;
  customers: number;
  catalogue: number;
  modelItems: number;
  modelUsers: number;
  trainingMs: number;
  artifactBytes: number;
  artifactGzipBytes: number;
  /** Parsing the artifact's JSON text into a model (gzip aside). */
  parseMs: number;
  popularity: RankingMetrics;
  collaborative: RankingMetrics;
  hybrid: RankingMetrics;
  /** The hybrid's content component alone (TF-IDF neighbours of the history). */
  content: RankingMetrics;
  /** The hybrid's popularity/recency component alone (basket counts with a half-life). */
  recentPopularity: RankingMetrics;
}

/** Trains on the holdout's train part and scores the three models of issue 6 on its test part. */
export const evaluateModels = (holdout: Holdout, params: Partial<TrainingParams> = {}, scoring: ScoringConfig = DEFAULT_SCORING): EvaluationReport => {
  const started = performance.now();
  const model = trainOnPurchases(holdout.train, params);
  const trainingMs = performance.now() - started;
  const text = serialiseModel(model);
  const parseStarted = performance.now();
  parseModel(text);
  const parseMs = performance.now() - parseStarted;
  return {
    trainLines: holdout.train.length,
    testLines: holdout.test.length,
    customers: holdout.customers.length,
    catalogue: holdout.catalogue.length,
    modelItems: model.items.length,
    modelUsers: model.users.size,
    trainingMs,
    artifactBytes: Buffer.byteLength(text),
    artifactGzipBytes: gzipSync(text).length,
    parseMs,
    popularity: evaluateModel(holdout, popularRecommender(popularityRanking(holdout.train)), K),
    collaborative: evaluateModel(holdout, hybridRecommender(model, CF_ONLY), K),
    hybrid: evaluateModel(holdout, hybridRecommender(model, scoring), K),
    content: evaluateModel(holdout, hybridRecommender(model, CONTENT_ONLY), K),
    recentPopularity: evaluateModel(holdout, hybridRecommender(model, RECENT_POPULARITY_ONLY), K),
  };
};
