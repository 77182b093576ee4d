import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SUBJECT_TABLES, type SubjectTable } from '../../layers/core/compliance/subject-stores';
import { DATA_REQUEST_CONFIG } from '../../layers/runtime/function-configs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { createStateMachine } from '../create-state-machine';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';

/** Props of {@link DataRequests}. */
export interface DataRequestsProps {
  /** The tables holding per-user items, by the name the receipt gives each store. */
  readonly tables: Readonly<Record<SubjectTable, dynamodb.ITable>>;
  /** `Models`: the events archive, the decisions export, Personalize's exports, the model artifacts. */
  readonly modelsBucket: s3.IBucket;
  /** `Reports`: export documents (`exports/`) and receipts (`data-requests/`). */
  readonly reportsBucket: s3.IBucket;
  /** Failed requests are published here (besides the executions-failed alarm). */
  readonly alertsTopic: sns.ITopic;
  /** The team's Personalize dataset and role: erasure runs CreateDataDeletionJob there. */
  readonly personalize?: { readonly datasetArn: string; readonly roleArn: string };
  /** How long an erasure waits before its second sweep (events in flight during the first). */
  readonly secondSweepWait: Duration;
  readonly functionDefaults: FunctionDefaults;
}

/** How often a running Personalize deletion job is asked whether it is done. */
const PERSONALIZE_POLL = Duration.minutes(5);
/** Days of the archive read at once: each is one invocation that reads a day of objects. */
const ARCHIVE_DAYS_AT_ONCE = 10;

/**
 * Data-subject requests (docs/compliance.md): the data-request function and the `DataRequest` state
 * machine that exports or erases one user in every store. Each table is one step, the archive is read
 * a day per step (a Map over the days that exist), Personalize runs its own deletion job, and an
 * erasure sweeps again after a wait, for events that were still in the stream during the first sweep.
 * A step that fails after its retries is recorded as failed in the receipt; the execution then fails
 * and the `Alerts` topic hears of it.
 */
export class DataRequests extends Construct {
  readonly dataRequestFunction: lambda.IFunction;
  /** `DataRequest`. */
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: DataRequestsProps) {
    super(scope, id);
    const tables = props.tables;
    const fn = pinLogicalId(
      createFunction(this, 'DataRequestFunction', {
        ...props.functionDefaults,
        config: DATA_REQUEST_CONFIG,
        entry: 'functions/compliance/data-request.handler.ts',
        serviceName: 'data-request',
        description: 'Data-subject requests: export or erase one user in one store, one day of the archive, or in Personalize; the receipt',
        memorySize: 1024,
        timeout: Duration.minutes(15),
        environment: {
          PROFILES_TABLE_NAME: tables.profiles.tableName,
          CONSENTS_TABLE_NAME: tables.consents.tableName,
          MESSAGES_TABLE_NAME: tables.messages.tableName,
          TIMERS_TABLE_NAME: tables.timers.tableName,
          EXPERIMENTS_TABLE_NAME: tables.experiments.tableName,
          KPIS_TABLE_NAME: tables.kpis.tableName,
          INBOX_TABLE_NAME: tables.inbox.tableName,
          MODELS_BUCKET_NAME: props.modelsBucket.bucketName,
          REPORTS_BUCKET_NAME: props.reportsBucket.bucketName,
          ...(props.personalize && { PERSONALIZE_DATASET_ARN: props.personalize.datasetArn, PERSONALIZE_ROLE_ARN: props.personalize.roleArn }),
        },
      }),
      'DataRequestFunction',
    );
    // A Query of the user's partition and BatchWriteItem deletes: nothing else, on no index.
    for (const name of SUBJECT_TABLES) grantTableActions(tables[name], fn, ['dynamodb:Query', 'dynamodb:BatchWriteItem']);
    this.grantBuckets(fn, props);
    if (props.personalize) this.allowPersonalize(fn, props.personalize);
    this.dataRequestFunction = fn;
    this.stateMachine = this.buildStateMachine(fn, props);
  }

  private grantBuckets(fn: lambda.IFunction, props: DataRequestsProps): void {
    const models = props.modelsBucket;
    const reports = props.reportsBucket;
    const rewritten = ['archive/*', 'decisions/*', 'personalize/*', 'models/*'];
    const policy = new iam.Policy(this, 'DataRequestBucketPolicy', {
      roles: [fn.role!],
      statements: [
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [models.bucketArn, reports.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: rewritten.map((prefix) => models.arnForObjects(prefix)) }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [models.arnForObjects('deletions/*')] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [models.arnForObjects('personalize-deletions/*')] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [reports.arnForObjects('exports/*')] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [reports.arnForObjects('data-requests/*')] }),
      ],
    });
    fn.node.addDependency(policy);
    const why = {
      archive: 'Firehose names archive objects by delivery time: erasure rewrites the objects that hold the user\'s lines',
      decisions: 'Firehose names decision objects by delivery time: erasure rewrites the objects that hold the user\'s lines',
      personalize: 'retraining names its Personalize exports per run: erasure rewrites those that hold the user\'s lines',
      models: 'models are named by a content-derived version: erasure rewrites every artifact that holds the user\'s history',
      deletions: 'the marker that keeps the user out of later trainings is named by a hash of the user id',
      'personalize-deletions': 'the file Personalize\'s deletion job reads is named after the request, and deleted when the job is over',
    } as const;
    for (const [prefix, reason] of Object.entries(why)) {
      acknowledgeNagFinding(policy, `AwsSolutions-IAM5[Resource::<Models.Arn>/${prefix}/*]`, `data-request, under ${prefix}/ of the Models bucket only: ${reason}.`);
    }
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5[Resource::<Reports.Arn>/exports/*]', 'data-request writes export documents and their parts under exports/<request>: request ids are made when a request starts.');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5[Resource::<Reports.Arn>/data-requests/*]', 'data-request writes each receipt as data-requests/<request>.json: request ids are made when a request starts. Put only.');
  }

  private allowPersonalize(fn: lambda.IFunction, personalize: NonNullable<DataRequestsProps['personalize']>): void {
    const group = personalize.datasetArn.replace(/:dataset\/([^/]+)\/.*$/, ':dataset-group/$1');
    const [, , , region, account] = personalize.datasetArn.split(':');
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['personalize:CreateDataDeletionJob', 'personalize:ListDataDeletionJobs'], resources: [group] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['personalize:DescribeDataDeletionJob'], resources: [`arn:aws:personalize:${region}:${account}:data-deletion-job/*`] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [personalize.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' } } }));
    acknowledgeNagFinding(fn.role!, `AwsSolutions-IAM5[Resource::arn:aws:personalize:${region}:${account}:data-deletion-job/*]`, 'Personalize names a data deletion job\'s ARN when it creates it; Describe only.');
  }

  private buildStateMachine(fn: lambda.IFunction, props: DataRequestsProps): sfn.StateMachine {
    const request = { 'request.$': '$.request' };
    const step = (id: string, payload: Record<string, unknown>, resultPath?: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
        ...(resultPath && { resultPath }),
      }).addRetry({ errors: ['States.ALL'], interval: Duration.seconds(10), maxAttempts: 3, backoffRate: 2 });
    // A store that still fails after its retries is an outcome of the request, not the end of it.
    const failedAs = (task: sfn.TaskStateBase, id: string, store: string) =>
      task.addCatch(new sfn.Pass(this, `${id}Failed`, { parameters: { store, outcome: 'failed', 'detail.$': '$.Error' } }));

    const sweep = (sweepId: string, withOnce: boolean) => {
      const parallel = new sfn.Parallel(this, sweepId, { resultPath: `$.${sweepId.charAt(0).toLowerCase()}${sweepId.slice(1)}` });
      for (const store of SUBJECT_TABLES) parallel.branch(failedAs(step(`${sweepId}${pascal(store)}`, { step: 'store', store, ...request }), `${sweepId}${pascal(store)}`, store));
      const days = new sfn.Map(this, `${sweepId}ArchiveDays`, {
        itemsPath: '$.listed.partitions',
        itemSelector: { 'partition.$': '$$.Map.Item.Value', 'request.$': '$.request' },
        maxConcurrency: ARCHIVE_DAYS_AT_ONCE,
      });
      days.itemProcessor(failedAs(step(`${sweepId}ArchiveDay`, { step: 'lines', 'partition.$': '$.partition', ...request }), `${sweepId}ArchiveDay`, 'archive'));
      parallel.branch(failedAs(step(`${sweepId}ListArchiveDays`, { step: 'partitions', ...request }, '$.listed'), `${sweepId}ListArchiveDays`, 'archive').next(days));
      if (withOnce) {
        parallel.branch(failedAs(step(`${sweepId}Models`, { step: 'store', store: 'models', ...request }), `${sweepId}Models`, 'models'));
        parallel.branch(failedAs(step(`${sweepId}EarlierExports`, { step: 'store', store: 'exports', ...request }), `${sweepId}EarlierExports`, 'exports'));
        parallel.branch(this.personalizeBranch(sweepId, step, failedAs, request));
      }
      return parallel;
    };

    const finish = (id: string, results: Record<string, string>, sweeps?: number) =>
      step(id, { step: 'finish', ...request, results: Object.fromEntries(Object.entries(results).map(([key, path]) => [`${key}.$`, path])), ...(sweeps && { sweeps }) }, '$.receipt');
    const alert = new tasks.SnsPublish(this, 'AlertDataRequestFailed', {
      topic: props.alertsTopic,
      subject: 'Data-subject request failed',
      message: sfn.TaskInput.fromObject({
        alarm: 'A data-subject request did not complete in every store: see the receipt, fix the cause and run the request again (every step is idempotent)',
        'requestId.$': '$.receipt.requestId',
        'kind.$': '$.receipt.kind',
        'stores.$': '$.receipt.stores',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'DataRequestFailed', { error: 'DataRequestFailed', cause: 'a store failed after its retries; see the receipt' }));
    const outcome = (id: string) =>
      new sfn.Choice(this, `${id}Outcome`)
        .when(sfn.Condition.stringEquals('$.receipt.status', 'failed'), alert)
        .otherwise(new sfn.Succeed(this, `${id}Succeeded`, { outputPath: '$.receipt' }));

    const exportFlow = sweep('Export', true).next(finish('FinishExport', { sweep: '$.export' })).next(outcome('Export'));
    const eraseFlow = sweep('Erase', true)
      .next(new sfn.Wait(this, 'BeforeSecondSweep', { time: sfn.WaitTime.duration(props.secondSweepWait) }))
      .next(sweep('SecondSweep', false))
      .next(finish('FinishErase', { first: '$.erase', second: '$.secondSweep' }, 2))
      .next(outcome('Erase'));

    const definition = new sfn.Pass(this, 'Begin', {
      parameters: {
        request: {
          requestId: sfn.JsonPath.executionName,
          'kind.$': '$.kind',
          'userId.$': '$.userId',
          'requestedBy.$': '$.requestedBy',
          'aliases.$': '$.aliases',
          requestedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
        },
      },
    }).next(new sfn.Choice(this, 'Kind').when(sfn.Condition.stringEquals('$.request.kind', 'erase'), eraseFlow).otherwise(exportFlow));

    return createStateMachine(this, 'DataRequest', {
      definition,
      // Personalize's deletion is most of it; a day is the target, two leave room for its retries.
      timeout: Duration.days(2),
      taskFunction: { logicalId: 'DataRequestFunction', serviceName: 'data-request' },
      functionDefaults: props.functionDefaults,
    });
  }

  /** Start Personalize's deletion job and wait for it; without Personalize, the step says so. */
  private personalizeBranch(
    sweepId: string,
    step: (id: string, payload: Record<string, unknown>, resultPath?: string) => sfn.TaskStateBase,
    failedAs: (task: sfn.TaskStateBase, id: string, store: string) => sfn.TaskStateBase,
    request: Record<string, string>,
  ): sfn.IChainable {
    const start = failedAs(step(`${sweepId}PersonalizeStart`, { step: 'personalize-start', ...request }, '$.personalize'), `${sweepId}PersonalizeStart`, 'personalize');
    const wait = new sfn.Wait(this, `${sweepId}PersonalizeWait`, { time: sfn.WaitTime.duration(PERSONALIZE_POLL) });
    const check = failedAs(step(`${sweepId}PersonalizeCheck`, { step: 'personalize-status', 'jobArn.$': '$.personalize.jobArn', ...request }, '$.check'), `${sweepId}PersonalizeCheck`, 'personalize');
    const done = new sfn.Pass(this, `${sweepId}PersonalizeDone`, { outputPath: '$.check.outcome' });
    const checked = new sfn.Choice(this, `${sweepId}PersonalizeFinished?`).when(sfn.Condition.booleanEquals('$.check.done', true), done).otherwise(wait);
    const started = new sfn.Choice(this, `${sweepId}PersonalizeStarted?`)
      .when(sfn.Condition.isPresent('$.personalize.jobArn'), wait.next(check).next(checked))
      .otherwise(new sfn.Pass(this, `${sweepId}PersonalizeNotRun`, { outputPath: '$.personalize.outcome' }));
    return start.next(started);
  }
}

const pascal = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
