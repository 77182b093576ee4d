import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { S3Client } from '@aws-sdk/client-s3';
import { PersonalizeTraining } from '../../layers/adapters/personalize-training';
import { S3ModelStore } from '../../layers/adapters/s3-model-store';
import { S3Objects } from '../../layers/adapters/s3-objects';
import { S3ForgottenUsers, S3InteractionArchive, S3TrainingStateStore } from '../../layers/adapters/s3-retraining-stores';
import { systemClock, type Clock } from '../../layers/core/clock';
import type { RankingMetrics } from '../../layers/core/recommendations/metrics';
import { personalizeCsv } from '../../layers/core/recommendations/personalize-export';
import { decidePersonalizePromotion, nextPollSeconds } from '../../layers/core/recommendations/promotion';
import { checkRetrainingGate, promoteCandidate, readInteractions, trainCandidate, type RetrainingDeps } from '../../layers/core/recommendations/retraining';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import { ConfigurationError, type Environment } from '../../layers/runtime/config';
import { RETRAIN_MODEL_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

/** One step of the RetrainModel state machine; the state machine passes each step's output on. */
export type RetrainStep =
  | { step: 'gate' }
  | { step: 'train' }
  | { step: 'promote'; candidate: { candidateVersion: string; metrics: RankingMetrics; trainedAt: string } }
  | { step: 'personalize-export' }
  | { step: 'personalize-import'; dataLocation: string }
  | { step: 'personalize-import-status'; jobArn: string; waitSeconds?: number; polls?: number }
  | { step: 'personalize-train' }
  | { step: 'personalize-train-status'; solutionVersionArn: string; waitSeconds?: number; polls?: number }
  | { step: 'personalize-compare'; solutionVersionArn: string }
  | { step: 'personalize-deploy'; solutionVersionArn: string };

export interface RetrainModelOverrides {
  s3?: S3Client;
  personalize?: PersonalizeClient;
  clock?: Clock;
}

/** A Personalize job did not finish within the polls the workflow allows (about a day). */
export class PersonalizeJobTimedOutError extends Error {
  override readonly name = 'PersonalizeJobTimedOutError';
  constructor(jobArn: string, polls: number) {
    super(`${jobArn} still in progress after ${polls} polls`);
  }
}

/** A Personalize job ended in a failed state. */
export class PersonalizeJobFailedError extends Error {
  override readonly name = 'PersonalizeJobFailedError';
  constructor(jobArn: string, reason: string | undefined) {
    super(`${jobArn} failed${reason ? `: ${reason}` : ''}`);
  }
}

/** Polls before a Personalize job counts as stuck: with waits doubling to 30 minutes, about a day. */
const MAX_POLLS = 60;

/**
 * The steps of nightly retraining, one invocation each, run by the RetrainModel state machine: the gate
 * (enough new interactions?), the built-in model (train + evaluate on a temporal holdout, then promote
 * only if not worse), and, when Personalize is configured, its export → import → new solution version →
 * compare → deploy, with the waits in the state machine. A failed step throws: the state machine
 * alerts and the serving model stays.
 */
export const createRetrainModelHandler = (env: Environment, overrides: RetrainModelOverrides = {}) => {
  const config = RETRAIN_MODEL_CONFIG.parse(env);
  const threshold = config.RETRAINING_MIN_NEW_INTERACTIONS;
  const tolerance = config.RETRAINING_METRIC_TOLERANCE;
  const observability = createObservability('retrain-model');
  const { logger, metrics, tracer } = observability;
  const s3 = overrides.s3 ?? tracer.captureAWSv3Client(new S3Client(awsClientConfig()));
  const clock = overrides.clock ?? systemClock;
  const bucket = config.MODELS_BUCKET_NAME;
  const deps: RetrainingDeps = {
    archive: new S3InteractionArchive(s3, bucket),
    state: new S3TrainingStateStore(s3, bucket),
    forgotten: new S3ForgottenUsers(s3, bucket),
    models: new S3ModelStore(s3, bucket),
    clock,
  };
  const personalize = () => {
    const target = personalizeTarget(config);
    return new PersonalizeTraining(overrides.personalize ?? tracer.captureAWSv3Client(new PersonalizeClient(awsClientConfig())), target);
  };

  const poll = async (jobArn: string, input: { waitSeconds?: number; polls?: number }, status: () => Promise<{ status: string; reason?: string }>) => {
    const result = await status();
    if (result.status === 'FAILED') throw new PersonalizeJobFailedError(jobArn, result.reason);
    const polls = (input.polls ?? 0) + 1;
    if (result.status !== 'ACTIVE' && polls >= MAX_POLLS) throw new PersonalizeJobTimedOutError(jobArn, polls);
    return { done: result.status === 'ACTIVE', waitSeconds: nextPollSeconds(input.waitSeconds), polls };
  };

  const run = async (input: RetrainStep): Promise<unknown> => {
    switch (input.step) {
      case 'gate':
        return checkRetrainingGate(deps, threshold);
      case 'train': {
        const candidate = await trainCandidate(deps);
        metrics.addMetric('ModelArtifactBytes', MetricUnit.Bytes, candidate.bytes);
        return candidate;
      }
      case 'promote': {
        const result = await promoteCandidate(deps, input.candidate, tolerance);
        metrics.addMetric(result.promoted ? 'ModelsPromoted' : 'ModelsKept', MetricUnit.Count, 1);
        return result;
      }
      case 'personalize-export': {
        const key = `personalize/interactions-${clock().toISOString().replace(/[:.]/g, '-')}.csv`;
        await new S3Objects(s3, bucket).write(key, personalizeCsv(await readInteractions(deps)), 'text/csv');
        return { dataLocation: `s3://${bucket}/${key}` };
      }
      case 'personalize-import':
        return { jobArn: await personalize().startImport(input.dataLocation, `retrain-${clock().getTime()}`) };
      case 'personalize-import-status':
        return { jobArn: input.jobArn, ...(await poll(input.jobArn, input, () => personalize().importStatus(input.jobArn))) };
      case 'personalize-train':
        return { solutionVersionArn: await personalize().startSolutionVersion() };
      case 'personalize-train-status':
        return { solutionVersionArn: input.solutionVersionArn, ...(await poll(input.solutionVersionArn, input, () => personalize().solutionVersionStatus(input.solutionVersionArn))) };
      case 'personalize-compare': {
        const training = personalize();
        const serving = await training.servingSolutionVersion();
        const decision = decidePersonalizePromotion(await training.metricsOf(input.solutionVersionArn), serving ? await training.metricsOf(serving) : undefined, tolerance);
        return { solutionVersionArn: input.solutionVersionArn, ...decision };
      }
      case 'personalize-deploy':
        await personalize().deploy(input.solutionVersionArn);
        return { deployed: input.solutionVersionArn };
    }
  };

  return withObservability(async (input: RetrainStep) => {
    const output = await run(input);
    // Step names, counts and verdicts only: the archive holds user ids, which stay out of the logs.
    logger.info('retraining step done', { step: input.step, output: summary(output) });
    return output;
  }, observability);
};

export const handler = lazyHandler(() => createRetrainModelHandler(process.env));

const summary = (output: unknown): unknown =>
  output && typeof output === 'object'
    ? Object.fromEntries(Object.entries(output).filter(([, value]) => typeof value !== 'object' || value === null))
    : output;

/** The four Personalize ARNs, asked for by the Personalize steps only (the state machine runs them only when all are set). */
const personalizeTarget = (config: ReturnType<typeof RETRAIN_MODEL_CONFIG.parse>) => {
  const { PERSONALIZE_DATASET_ARN: datasetArn, PERSONALIZE_SOLUTION_ARN: solutionArn, PERSONALIZE_CAMPAIGN_ARN: campaignArn, PERSONALIZE_ROLE_ARN: roleArn } = config;
  const missing = Object.entries({ PERSONALIZE_DATASET_ARN: datasetArn, PERSONALIZE_SOLUTION_ARN: solutionArn, PERSONALIZE_CAMPAIGN_ARN: campaignArn, PERSONALIZE_ROLE_ARN: roleArn })
    .filter(([, value]) => !value)
    .map(([variable]) => ({ variable, reason: 'is required by the Personalize steps' }));
  if (missing.length > 0 || !datasetArn || !solutionArn || !campaignArn || !roleArn) throw new ConfigurationError(missing);
  return { datasetArn, solutionArn, campaignArn, roleArn };
};
