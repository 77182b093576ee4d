import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoExperimentStore } from '../../layers/adapters/dynamo-experiment-store';
import { S3ReportSink } from '../../layers/adapters/s3-report-sink';
import { systemClock, type Clock } from '../../layers/core/clock';
import type { RolloutDecision } from '../../layers/core/rollouts/evaluate-stage';
import { evaluateCurrentStage, finishRollout, startStage, type RolloutStepDeps } from '../../layers/core/rollouts/rollout-steps';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { ROLLOUT_STEP_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One step of the Rollout state machine. */
export type RolloutStep =
  /** `options` is the execution's input: `bakeSeconds` replaces the plan's bake (demos, the local stack). */
  | { step: 'start-stage'; campaignId: string; runId: string; stageIndex: number; options?: { bakeSeconds?: number } }
  | { step: 'evaluate'; campaignId: string; runId: string }
  | { step: 'finish'; campaignId: string; runId: string; decision: RolloutDecision; reason: string };

export interface RolloutStepOverrides {
  dynamo?: DynamoDBDocumentClient;
  s3?: S3Client;
  clock?: Clock;
}

/**
 * The Rollout state machine's steps: start a stage (exposure up), evaluate it after the bake (the
 * statistics and a decision), finish (status, exposure, report). Campaign ids, stages and decisions
 * are logged; never a user.
 */
export const createRolloutStepHandler = (env: Environment, overrides: RolloutStepOverrides = {}) => {
  const config = ROLLOUT_STEP_CONFIG.parse(env);
  const observability = createObservability('rollout-step');
  const { logger, metrics, tracer } = observability;
  const dynamo = overrides.dynamo ?? createAwsClients(tracer).dynamo();
  const deps: RolloutStepDeps = {
    store: new DynamoExperimentStore(dynamo, config.EXPERIMENTS_TABLE_NAME),
    // Read on every step (no cache): a step runs once per bake.
    campaigns: new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME),
    reports: new S3ReportSink(overrides.s3 ?? tracer.captureAWSv3Client(new S3Client(awsClientConfig())), config.REPORTS_BUCKET_NAME),
    clock: overrides.clock ?? systemClock,
  };

  /** One count of `name` with a dimension of its own (a single metric, so it does not share the others' dimensions). */
  const countBy = (name: string, dimension: string, value: string) => {
    const metric = metrics.singleMetric();
    metric.addDimension(dimension, value);
    metric.addMetric(name, MetricUnit.Count, 1);
  };

  const run = async (input: RolloutStep) => {
    switch (input.step) {
      case 'start-stage': {
        const bakeSeconds = input.options?.bakeSeconds;
        if (bakeSeconds !== undefined && !(Number.isInteger(bakeSeconds) && bakeSeconds >= 0)) throw new RangeError(`bakeSeconds must be a whole number ≥ 0, got ${JSON.stringify(bakeSeconds)}`);
        const stage = await startStage(deps, { campaignId: input.campaignId, runId: input.runId, stageIndex: input.stageIndex, ...(bakeSeconds !== undefined && { bakeSeconds }) });
        metrics.addMetric('RolloutStagesStarted', MetricUnit.Count, 1);
        return stage;
      }
      case 'evaluate': {
        const result = await evaluateCurrentStage(deps, input);
        countBy('RolloutDecisions', 'decision', result.decision);
        return result;
      }
      case 'finish': {
        const finished = await finishRollout(deps, input);
        countBy('RolloutsFinished', 'status', finished.status);
        return finished;
      }
    }
  };

  return withObservability(async (input: RolloutStep) => {
    const output = await run(input);
    logger.info('rollout step', { step: input.step, campaignId: input.campaignId, runId: input.runId, output });
    return output;
  }, observability);
};

export const handler = lazyHandler(() => createRolloutStepHandler(process.env));
