import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PersonalizeDataDeletion } from '../../layers/adapters/personalize-data-deletion';
import { S3DataRequestFiles, S3SubjectExports } from '../../layers/adapters/s3-data-request-files';
import { dayPartitions, S3SubjectLines } from '../../layers/adapters/s3-subject-lines';
import { S3SubjectModels } from '../../layers/adapters/s3-subject-models';
import { subjectTables } from '../../layers/adapters/subject-tables';
import { systemClock, type Clock } from '../../layers/core/clock';
import type { SubjectStore, SubjectTable } from '../../layers/core/compliance/subject-stores';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { DATA_REQUEST_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';
import { dataRequestStep, type DataRequestDependencies, type DataRequestStep, type LinePartition } from './data-request-step';

export interface DataRequestOverrides {
  dynamo?: DynamoDBDocumentClient;
  s3?: S3Client;
  personalize?: PersonalizeClient;
  clock?: Clock;
}

/** The prefixes of the Models bucket that hold lines naming users. */
const LINE_PREFIXES = [
  { store: 'archive', prefix: 'archive/', partitioned: true },
  { store: 'decisions', prefix: 'decisions/', partitioned: true },
  { store: 'personalize-exports', prefix: 'personalize/', partitioned: false },
] as const;

/**
 * The DataRequest state machine's steps: export or erase one user in one store (or one day of the
 * archive), list the archive's days, run Personalize's deletion, and finish with the receipt. Logs
 * name the step, the store and the request, never the user.
 */
export const createDataRequestHandler = (env: Environment, overrides: DataRequestOverrides = {}) => {
  const config = DATA_REQUEST_CONFIG.parse(env);
  const observability = createObservability('data-request');
  const { logger, metrics, tracer } = observability;
  const clients = createAwsClients(tracer);
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const s3 = overrides.s3 ?? clients.s3();
  const bucket = config.MODELS_BUCKET_NAME;
  const tables = subjectTables(dynamo, {
    profiles: config.PROFILES_TABLE_NAME,
    consents: config.CONSENTS_TABLE_NAME,
    messages: config.MESSAGES_TABLE_NAME,
    timers: config.TIMERS_TABLE_NAME,
    experiments: config.EXPERIMENTS_TABLE_NAME,
    kpis: config.KPIS_TABLE_NAME,
    inbox: config.INBOX_TABLE_NAME,
  });
  const personalizeTarget = config.PERSONALIZE_DATASET_ARN && config.PERSONALIZE_ROLE_ARN ? { datasetArn: config.PERSONALIZE_DATASET_ARN, roleArn: config.PERSONALIZE_ROLE_ARN } : undefined;
  const deps: DataRequestDependencies = {
    stores: new Map<SubjectTable | 'models' | 'exports', SubjectStore>([
      ...tables.map((table) => [table.name, table] as const),
      ['models', new S3SubjectModels(s3, bucket)],
      ['exports', new S3SubjectExports(s3, config.REPORTS_BUCKET_NAME)],
    ]),
    lines: (partition) => new S3SubjectLines(s3, bucket, partition.store, partition.prefix),
    partitions: async () => {
      const found: LinePartition[] = [];
      for (const { store, prefix, partitioned } of LINE_PREFIXES) {
        const prefixes = partitioned ? await dayPartitions(s3, bucket, prefix) : [prefix];
        found.push(...prefixes.map((p) => ({ store, prefix: p })));
      }
      return found;
    },
    ...(personalizeTarget && {
      personalize: new PersonalizeDataDeletion(overrides.personalize ?? tracer.captureAWSv3Client(new PersonalizeClient(awsClientConfig())), s3, bucket, personalizeTarget),
    }),
    files: new S3DataRequestFiles(s3, config.REPORTS_BUCKET_NAME),
    now: overrides.clock ?? systemClock,
  };

  return withObservability(async (input: DataRequestStep) => {
    const output = await dataRequestStep(input, deps);
    const store = input.step === 'store' ? input.store : input.step === 'lines' ? input.partition.store : undefined;
    logger.info('data request step', { step: input.step, kind: input.request.kind, requestId: input.request.requestId, ...(store && { store }) });
    metrics.addMetric('DataRequestSteps', MetricUnit.Count, 1);
    if (input.step === 'finish') {
      const { status } = output as { status: string };
      const metric = metrics.singleMetric();
      metric.addDimension('status', status);
      metric.addMetric('DataRequestsFinished', MetricUnit.Count, 1);
    }
    return output;
  }, observability);
};

export const handler = lazyHandler(() => createDataRequestHandler(process.env));
