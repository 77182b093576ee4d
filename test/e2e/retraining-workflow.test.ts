import {
  CreateDatasetImportJobCommand,
  CreateSolutionVersionCommand,
  DescribeCampaignCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  PersonalizeClient,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { gzipSync } from 'node:zlib';
import { createRetrainModelHandler } from '../../functions/recommendations/retrain-model.handler';
import { S3ModelStore } from '../../layers/adapters/s3-model-store';
import { S3TrainingStateStore } from '../../layers/adapters/s3-retraining-stores';
import { synthPipeline } from '../infra/synth-pipeline';
import { inMemoryS3 } from '../helpers/in-memory-s3';
import { archivedPurchase } from '../helpers/in-memory-retraining';
import { lambdaContextFactory } from '../helpers/lambda-context';
import { stateMachineDefinition } from '../helpers/state-machine-definition';
import { TEST_YEAR } from '../helpers/test-calendar';
import { PERSONALIZE_CONTEXT } from '../helpers/personalize-context';

const NOW = new Date(`${TEST_YEAR}-11-24T03:00:00.000Z`);
const BEFORE = new Date(`${TEST_YEAR}-11-01T12:00:00.000Z`);
const AFTER = new Date(`${TEST_YEAR}-11-20T12:00:00.000Z`);
const BUCKET = 'models-local';
const PERSONALIZE = PERSONALIZE_CONTEXT;
const SERVING_VERSION = `${PERSONALIZE['pipeline:personalizeSolutionArn']}/serving`;
const NEW_VERSION = `${PERSONALIZE['pipeline:personalizeSolutionArn']}/new`;
const LAMBDA_STATES = [
  'CheckGate',
  'TrainBuiltinModel',
  'PromoteBuiltinModel',
  'ExportForPersonalize',
  'StartPersonalizeImport',
  'CheckPersonalizeImport',
  'StartPersonalizeTraining',
  'CheckPersonalizeTraining',
  'ComparePersonalizeVersion',
  'DeployPersonalizeVersion',
];

// The definition CDK synthesizes, with Personalize configured, as Step Functions would run it.
const definition = stateMachineDefinition(synthPipeline({ context: PERSONALIZE }).template, 'RetrainModel', (token) =>
  JSON.stringify(token).includes('Alerts') ? 'arn:aws:sns:us-east-1:000000000000:Alerts' : 'arn:aws:lambda:us-east-1:000000000000:function:retrain-model',
);

/**
 * The RetrainModel state machine exactly as synthesized, executed locally by aws-local-stepfunctions:
 * its Task states run the real retrain-model handler, against an in-memory S3 bucket and a Personalize
 * client faked at the SDK level (neither has an emulator here); Wait states take no time, the clock is
 * fixed. Each path ends as in AWS: promoted, kept, skipped, or alerted and failed.
 */
describe('the RetrainModel workflow, executed from the synthesized definition', () => {
  /** One deployment: a bucket holding the archive written at `writtenAt`, Personalize answering as told. */
  const deployment = (options: { archive: object[][]; threshold?: number }) => {
    const s3 = inMemoryS3(() => NOW);
    options.archive.forEach((events, index) =>
      s3.put(`archive/${TEST_YEAR}/11/part-${index}.gz`, gzipSync(events.map((e) => JSON.stringify(e)).join('\n') + '\n'), index === 0 ? BEFORE : AFTER),
    );
    const personalize = new PersonalizeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const personalizeMock = mockClient(personalize);
    personalizeMock.on(CreateDatasetImportJobCommand).resolves({ datasetImportJobArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-import-job/retrain-1' });
    personalizeMock.on(DescribeDatasetImportJobCommand).resolvesOnce({ datasetImportJob: { status: 'CREATE IN_PROGRESS' } }).resolves({ datasetImportJob: { status: 'ACTIVE' } });
    personalizeMock.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: NEW_VERSION });
    personalizeMock.on(DescribeSolutionVersionCommand).resolvesOnce({ solutionVersion: { status: 'CREATE IN_PROGRESS' } }).resolves({ solutionVersion: { status: 'ACTIVE' } });
    personalizeMock.on(DescribeCampaignCommand).resolves({ campaign: { solutionVersionArn: SERVING_VERSION } });
    personalizeMock.on(GetSolutionMetricsCommand, { solutionVersionArn: SERVING_VERSION }).resolves({ metrics: { normalized_discounted_cumulative_gain_at_10: 0.2 } });
    personalizeMock.on(GetSolutionMetricsCommand, { solutionVersionArn: NEW_VERSION }).resolves({ metrics: { normalized_discounted_cumulative_gain_at_10: 0.25 } });
    personalizeMock.on(UpdateCampaignCommand).resolves({});

    const env = {
      MODELS_BUCKET_NAME: BUCKET,
      RETRAINING_MIN_NEW_INTERACTIONS: String(options.threshold ?? 100),
      RETRAINING_METRIC_TOLERANCE: '0',
      PERSONALIZE_DATASET_ARN: PERSONALIZE['pipeline:personalizeDatasetArn'],
      PERSONALIZE_SOLUTION_ARN: PERSONALIZE['pipeline:personalizeSolutionArn'],
      PERSONALIZE_CAMPAIGN_ARN: PERSONALIZE['pipeline:personalizeCampaignArn'],
      PERSONALIZE_ROLE_ARN: PERSONALIZE['pipeline:personalizeRoleArn'],
    };
    const handler = createRetrainModelHandler(env, { s3: s3.client, personalize, clock: () => NOW });
    const alerts: unknown[] = [];

    const execute = async () => {
      const invoke = (input: unknown) => handler(input as never, lambdaContextFactory('retrain-model', 900)) as Promise<never>;
      const { result } = new StateMachine(definition as never, { validationOptions: { checkArn: false } }).run(
        {},
        {
          // What Step Functions puts in the context object; the alert names the execution.
          context: { Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:RetrainModel:nightly', Name: 'nightly', StartTime: NOW.toISOString() } },
          overrides: {
            taskResourceLocalHandlers: {
              ...Object.fromEntries(LAMBDA_STATES.map((state) => [state, invoke])),
              AlertRetrainingFailed: (message: unknown) => {
                alerts.push(message);
                return {};
              },
            },
            waitTimeOverrides: { WaitForPersonalizeImport: 0, WaitForPersonalizeTraining: 0 },
          },
        },
      );
      return result.then(
        (output) => ({ status: 'SUCCEEDED', output }) as const,
        (error: Error) => ({ status: 'FAILED', error: `${error.name}: ${error.message}` }) as const,
      );
    };

    return {
      s3,
      personalizeMock,
      alerts,
      execute,
      models: new S3ModelStore(s3.client, BUCKET),
      trainingState: new S3TrainingStateStore(s3.client, BUCKET),
    };
  };

  /** 40 earlier buyers (half bought C with A and B), and the first half buying C later: 120 interactions. */
  const coPurchases = () => [
    [
      ...Array.from({ length: 20 }, (_, i) => archivedPurchase(`early-${i}`, BEFORE.toISOString(), ['A', 'B'])),
      ...Array.from({ length: 20 }, (_, i) => archivedPurchase(`together-${i}`, BEFORE.toISOString(), ['A', 'B', 'C'])),
    ],
    Array.from({ length: 20 }, (_, i) => archivedPurchase(`early-${i}`, AFTER.toISOString(), ['C'])),
  ];

  it('skips a night with too few new interactions, recording the count, and changes nothing', async () => {
    // Prepare
    const run = deployment({ archive: coPurchases(), threshold: 1000 });

    // Act
    const execution = await run.execute();

    // Assess
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: { gate: { run: false, newInteractions: 120 } } });
    expect((await run.trainingState.load()).lastOutcome).toMatchObject({ outcome: 'skipped', newInteractions: 120 });
    expect(await run.models.currentVersion()).toBeUndefined();
    expect(run.personalizeMock.calls()).toHaveLength(0);
  });

  it('trains, evaluates and promotes the built-in model, and deploys a Personalize version that is not worse', async () => {
    // Prepare
    const run = deployment({ archive: coPurchases() });

    // Act
    const execution = await run.execute();

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const state = await run.trainingState.load();
    expect(state).toMatchObject({ lastOutcome: { outcome: 'promoted' }, current: { metrics: { users: 20, hitRate: 1 } } });
    expect(await run.models.currentVersion()).toBe(state.current?.version);
    expect(run.personalizeMock.commandCalls(CreateDatasetImportJobCommand)[0]?.args[0].input).toMatchObject({
      datasetArn: PERSONALIZE['pipeline:personalizeDatasetArn'],
      roleArn: PERSONALIZE['pipeline:personalizeRoleArn'],
      dataSource: { dataLocation: expect.stringMatching(new RegExp(`^s3://${BUCKET}/personalize/interactions-`)) },
    });
    expect(run.personalizeMock.commandCalls(DescribeDatasetImportJobCommand)).toHaveLength(2);
    expect(run.personalizeMock.commandCalls(UpdateCampaignCommand).map((c) => c.args[0].input)).toEqual([
      { campaignArn: PERSONALIZE['pipeline:personalizeCampaignArn'], solutionVersionArn: NEW_VERSION },
    ]);
    const csv = [...run.s3.objects.entries()].find(([key]) => key.startsWith('personalize/'))?.[1].body.toString('utf8') ?? '';
    expect(csv.split('\n')[0]).toBe('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE');
    expect(run.alerts).toEqual([]);
  });

  it('keeps the serving built-in model when the candidate is worse', async () => {
    // Prepare: nobody bought C with A and B before, so the candidate cannot predict the later C
    const run = deployment({ archive: [coPurchases()[0]!.slice(0, 20), coPurchases()[1]!], threshold: 50 });
    await run.trainingState.save({ current: { version: 'serving', metrics: { users: 20, hitRate: 0.5, recall: 0.5, ndcg: 0.3, coverage: 0.5 } } });

    // Act
    const execution = await run.execute();

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(await run.trainingState.load()).toMatchObject({ current: { version: 'serving' }, lastOutcome: { outcome: 'kept' } });
    expect(await run.models.currentVersion()).toBeUndefined();
  });

  it('does not deploy a Personalize version whose metric is worse, without raising an alert', async () => {
    // Prepare
    const run = deployment({ archive: coPurchases() });
    run.personalizeMock.on(GetSolutionMetricsCommand, { solutionVersionArn: NEW_VERSION }).resolves({ metrics: { normalized_discounted_cumulative_gain_at_10: 0.1 } });

    // Act
    const execution = await run.execute();

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(run.personalizeMock.commandCalls(UpdateCampaignCommand)).toHaveLength(0);
    expect(run.alerts).toEqual([]);
  });

  it.each([
    ['the import job fails', (mock: ReturnType<typeof deployment>['personalizeMock']) => mock.on(DescribeDatasetImportJobCommand).resolves({ datasetImportJob: { status: 'CREATE FAILED', failureReason: 'bad CSV' } }), 'PersonalizeJobFailedError'],
    ['the solution version fails', (mock: ReturnType<typeof deployment>['personalizeMock']) => mock.on(DescribeSolutionVersionCommand).resolves({ solutionVersion: { status: 'CREATE FAILED' } }), 'PersonalizeJobFailedError'],
    ['Personalize refuses a call', (mock: ReturnType<typeof deployment>['personalizeMock']) => mock.on(CreateSolutionVersionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' })), 'LimitExceededException'],
  ])('alerts the Alerts topic and leaves the campaign alone when %s', async (_case, breakPersonalize, error) => {
    // Prepare
    const run = deployment({ archive: coPurchases() });
    breakPersonalize(run.personalizeMock);

    // Act
    const execution = await run.execute();

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED' });
    expect(run.personalizeMock.commandCalls(UpdateCampaignCommand)).toHaveLength(0);
    expect(run.alerts).toHaveLength(1);
    expect(run.alerts[0]).toMatchObject({ Subject: 'Recommendation retraining failed', Message: expect.objectContaining({ error }) });
  });
});
