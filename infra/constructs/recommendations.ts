import { ArnFormat, Duration, Size, Stack, type RemovalPolicy, type TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { createFunction, type FunctionDefaults } from '../create-function';
import { createPrivateBucket } from '../create-private-bucket';
import { createStateMachine } from '../create-state-machine';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { createSchedulerRole } from '../schedule-function';
import { RETRAIN_MODEL_CONFIG } from '../../layers/runtime/function-configs';
import { removeFirehoseCidrMapping } from '../remove-firehose-cidr-mapping';

/** Timeout of retrain-model: Lambda's maximum, since the train step reads and trains on the whole archive. */
export const RETRAIN_MODEL_TIMEOUT = Duration.minutes(15);

/** The Personalize resources retraining updates; all four or none (see docs/recommendations.md). */
export interface PersonalizeResources {
  readonly datasetArn: string;
  readonly solutionArn: string;
  readonly campaignArn: string;
  /** The role Personalize assumes to read the export from the Models bucket. */
  readonly roleArn: string;
}

/** Props of {@link Recommendations}. */
export interface RecommendationsProps {
  /** A failed retraining is published here. */
  readonly alertsTopic: sns.ITopic;
  readonly schedule: { readonly hour: number; readonly timeZone: TimeZone };
  readonly minNewInteractions: number;
  readonly metricTolerance: number;
  readonly personalize?: PersonalizeResources;
  readonly removalPolicy: RemovalPolicy;
  /** How long events (`archive/`) and delivery decisions (`decisions/`) stay in the bucket. */
  readonly archiveRetention: Duration;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Recommendations' data and nightly retraining: the `Models` bucket (model versions, the event archive,
 * training state, deletion markers), the Direct PUT Firehose stream `EventsArchive` to it, the
 * retrain-model function, the `RetrainModel` state machine (gate → built-in model and, when configured,
 * Personalize → alert on any failure) and the `RetrainModelSchedule` that starts it nightly.
 */
export class Recommendations extends Construct {
  /** `Models`. */
  readonly bucket: s3.IBucket;
  /** `EventsArchive`: Direct PUT Firehose stream to `archive/` of `Models`, fed by process-events. */
  readonly eventsArchive: firehose.IDeliveryStream;
  /** The retrain-model function (`functions/recommendations/retrain-model.handler.ts`). */
  readonly retrainModelFunction: lambda.IFunction;
  /** `RetrainModel`. */
  readonly stateMachine: sfn.StateMachine;
  /** `RetrainModelScheduleDlq`: nightly starts Scheduler could not deliver. */
  readonly scheduleDlq: sqs.IQueue;

  /**
   * Lets `fn` (deliver) serve recommendations: read the current model (`MODELS_BUCKET_NAME`, s3:GetObject
   * on `models/*` only) and, when configured, ask the Personalize campaign (`PERSONALIZE_CAMPAIGN_ARN`).
   */
  serveRecommendationsFrom(fn: lambda.Function, personalize: PersonalizeResources | undefined): void {
    fn.addEnvironment('MODELS_BUCKET_NAME', this.bucket.bucketName);
    const statements = [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('models/*')] })];
    if (personalize) {
      fn.addEnvironment('PERSONALIZE_CAMPAIGN_ARN', personalize.campaignArn);
      statements.push(new iam.PolicyStatement({ actions: ['personalize:GetRecommendations'], resources: [personalize.campaignArn] }));
    }
    const policy = new iam.Policy(this, 'ServeRecommendationsPolicy', { roles: [fn.role!], statements });
    fn.node.addDependency(policy);
    acknowledgeNagFinding(
      policy,
      'AwsSolutions-IAM5[Resource::<Models.Arn>/models/*]',
      'deliver reads model artifacts under models/ of the Models bucket: versions are named when trained (content-derived), so the keys cannot be listed at deploy time. Read only, that prefix only.',
    );
  }

  constructor(scope: Construct, id: string, props: RecommendationsProps) {
    super(scope, id);

    const bucket = createPrivateBucket(this, 'Models', {
      removalPolicy: props.removalPolicy,
      // The export for Personalize is rewritten every night; the archive is the source of truth.
      // The archive and the decisions export (written by Analytics into this bucket) are personal data:
      // kept for training, analytics and retention queries as long as configured, not for ever.
      lifecycleRules: [
        { prefix: 'personalize/', expiration: Duration.days(7) },
        { prefix: 'archive/', expiration: props.archiveRetention },
        { prefix: 'decisions/', expiration: props.archiveRetention },
      ],
      withoutAccessLogsBecause:
        'Models holds model artifacts, the event archive and training state written only by this stack\'s roles; access is audited through CloudTrail data events if the account enables them, and a separate access-log bucket would double the buckets to secure for no reader.',
    });
    this.bucket = bucket;

    // Direct PUT: process-events puts the events it accepted (not untracked behaviour), several JSON
    // lines per record, each line ending in a newline already.
    const archive = new firehose.DeliveryStream(this, 'EventsArchive', {
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(bucket, {
        dataOutputPrefix: 'archive/',
        errorOutputPrefix: 'archive-errors/!{firehose:error-output-type}/',
        compression: firehose.Compression.GZIP,
        bufferingInterval: Duration.minutes(5),
        bufferingSize: Size.mebibytes(64),
      }),
    });
    pinLogicalId(archive, 'EventsArchive');
    this.eventsArchive = archive;
    removeFirehoseCidrMapping(this);
    // The role the Firehose L2 makes for the S3 destination: the delivery permissions AWS documents for
    // Firehose (multipart uploads, bucket location, listing), on this bucket only.
    for (const finding of ['Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Resource::<Models.Arn>/*']) {
      acknowledgeNagFinding(
        archive,
        `AwsSolutions-IAM5[${finding}]`,
        'The S3 destination role the Firehose construct grants itself (bucket.grantReadWrite): the actions Firehose needs to deliver objects with multipart uploads, on the Models bucket only.',
      );
    }

    const environment: Record<string, string> = {
      MODELS_BUCKET_NAME: bucket.bucketName,
      RETRAINING_MIN_NEW_INTERACTIONS: String(props.minNewInteractions),
      RETRAINING_METRIC_TOLERANCE: String(props.metricTolerance),
      ...(props.personalize && {
        PERSONALIZE_DATASET_ARN: props.personalize.datasetArn,
        PERSONALIZE_SOLUTION_ARN: props.personalize.solutionArn,
        PERSONALIZE_CAMPAIGN_ARN: props.personalize.campaignArn,
        PERSONALIZE_ROLE_ARN: props.personalize.roleArn,
      }),
    };
    const fn = pinLogicalId(
      createFunction(this, 'RetrainModelFunction', {
        ...props.functionDefaults,
        config: RETRAIN_MODEL_CONFIG,
        entry: 'functions/recommendations/retrain-model.handler.ts',
        serviceName: 'retrain-model',
        description: 'Nightly retraining steps: gate, train and evaluate the built-in model, promote; Personalize export, import, train, compare, deploy',
        memorySize: 3008,
        timeout: RETRAIN_MODEL_TIMEOUT,
        environment,
      }),
      'RetrainModelFunction',
    );
    // Exactly what the S3 adapters call: list and read the bucket (archive, deletions, models, state),
    // write models, state and the Personalize export. No delete: nothing retraining does removes data.
    const bucketPolicy = new iam.Policy(this, 'RetrainModelBucketPolicy', {
      roles: [fn.role!],
      statements: [
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['models/*', 'training/*', 'personalize/*'].map((prefix) => bucket.arnForObjects(prefix)) }),
      ],
    });
    fn.node.addDependency(bucketPolicy);
    const objectKeys = 'object keys are made at run time (Firehose names archive objects by date and time, models are named by a content-derived version, deletion markers by a hash)';
    acknowledgeNagFinding(bucketPolicy, 'AwsSolutions-IAM5[Resource::<Models.Arn>/*]', `retrain-model reads the objects of its own Models bucket: ${objectKeys}.`);
    for (const prefix of ['models', 'training', 'personalize']) {
      acknowledgeNagFinding(bucketPolicy, `AwsSolutions-IAM5[Resource::<Models.Arn>/${prefix}/*]`, `retrain-model writes under ${prefix}/ of its own Models bucket only: ${objectKeys}.`);
    }
    if (props.personalize) this.allowPersonalize(fn, bucket, props.personalize);
    this.retrainModelFunction = fn;

    this.stateMachine = this.buildStateMachine(fn, props);

    const dlq = createDeadLetterQueue(this, 'RetrainModelScheduleDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(
      dlq,
      'AwsSolutions-SQS3',
      'RetrainModelScheduleDlq is itself a dead-letter queue: the DeadLetterConfig of the RetrainModelSchedule target. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.',
    );
    this.scheduleDlq = dlq;
    pinLogicalId(
      new scheduler.Schedule(this, 'RetrainModelSchedule', {
        description: `Starts RetrainModel every day at ${String(props.schedule.hour).padStart(2, '0')}:00 ${props.schedule.timeZone.timezoneName}`,
        schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: String(props.schedule.hour), timeZone: props.schedule.timeZone }),
        target: new StepFunctionsStartExecution(this.stateMachine, {
          role: createSchedulerRole(this, 'RetrainModelScheduleRole', 'Assumed by EventBridge Scheduler to start RetrainModel'),
          retryAttempts: 5,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: dlq,
        }),
      }),
      'RetrainModelSchedule',
    );
  }

  private buildStateMachine(fn: lambda.IFunction, props: RecommendationsProps): sfn.StateMachine {
    const step = (id: string, payload: Record<string, unknown>, resultPath: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        resultPath,
        retryOnServiceExceptions: true,
      });

    const gate = step('CheckGate', { step: 'gate' }, '$.gate');
    const builtin = step('TrainBuiltinModel', { step: 'train' }, '$.candidate').next(
      step('PromoteBuiltinModel', { step: 'promote', 'candidate.$': '$.candidate' }, '$.promotion'),
    );
    const branches = new sfn.Parallel(this, 'Retrain', { resultPath: '$.results' }).branch(builtin);
    if (props.personalize) branches.branch(this.personalizeBranch(step));

    const alert = new tasks.SnsPublish(this, 'AlertRetrainingFailed', {
      topic: props.alertsTopic,
      subject: 'Recommendation retraining failed',
      message: sfn.TaskInput.fromObject({
        alarm: 'RetrainModel failed: the path that failed (built-in model or Personalize) keeps serving its current model',
        execution: sfn.JsonPath.executionId,
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'RetrainingFailed', { error: 'RetrainingFailed', cause: 'a retraining step failed; see the execution history' }));
    branches.addCatch(alert, { resultPath: '$.failure' });
    gate.addCatch(alert, { resultPath: '$.failure' });

    const definition = gate.next(
      new sfn.Choice(this, 'EnoughNewInteractions')
        .when(sfn.Condition.booleanEquals('$.gate.run', true), branches.next(new sfn.Succeed(this, 'Retrained')))
        .otherwise(new sfn.Succeed(this, 'Skipped')),
    );

    const machine = createStateMachine(this, 'RetrainModel', {
      definition,
      timeout: Duration.hours(26),
      taskFunction: { logicalId: 'RetrainModelFunction', serviceName: 'retrain-model' },
      functionDefaults: props.functionDefaults,
    });
    return machine;
  }

  /** Least privilege for the Personalize steps, and Personalize's own read of the export. */
  private allowPersonalize(fn: lambda.IFunction, bucket: s3.Bucket, personalize: PersonalizeResources): void {
    const arn = Stack.of(this).formatArn({ service: 'personalize', resource: 'dataset-import-job', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const solutionVersions = `${personalize.solutionArn}/*`;
    const policy = new iam.Policy(this, 'RetrainModelPersonalizePolicy', {
      roles: [fn.role!],
      statements: [
        new iam.PolicyStatement({ actions: ['personalize:CreateDatasetImportJob'], resources: [personalize.datasetArn, arn] }),
        new iam.PolicyStatement({ actions: ['personalize:DescribeDatasetImportJob'], resources: [arn] }),
        new iam.PolicyStatement({ actions: ['personalize:CreateSolutionVersion'], resources: [personalize.solutionArn] }),
        new iam.PolicyStatement({ actions: ['personalize:DescribeSolutionVersion', 'personalize:GetSolutionMetrics'], resources: [solutionVersions] }),
        new iam.PolicyStatement({ actions: ['personalize:DescribeCampaign', 'personalize:UpdateCampaign'], resources: [personalize.campaignArn] }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [personalize.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' } } }),
      ],
    });
    const named = 'Personalize names import jobs and solution versions when they are created (dataset-import-job/<name>, <solution ARN>/<version id>): the wildcard is limited to that resource type';
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:personalize:<AWS::Region>:<AWS::AccountId>:dataset-import-job/*]', `${named}, in this account and region.`);
    acknowledgeNagFinding(policy, `AwsSolutions-IAM5[Resource::${personalize.solutionArn}/*]`, `${named}, under the configured solution.`);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('personalize.amazonaws.com')],
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: [bucket.bucketArn, bucket.arnForObjects('personalize/*')],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }

  /** Export → import (polled) → new solution version (polled) → compare → deploy if not worse. */
  private personalizeBranch(step: (id: string, payload: Record<string, unknown>, resultPath: string) => tasks.LambdaInvoke): sfn.IChainable {
    const pollLoop = (name: string, statusStep: string, arnField: string, next: sfn.IChainable) => {
      const wait = new sfn.Wait(this, `WaitFor${name}`, { time: sfn.WaitTime.secondsPath('$.poll.waitSeconds') });
      const check = step(`Check${name}`, { step: statusStep, [`${arnField}.$`]: `$.poll.${arnField}`, 'waitSeconds.$': '$.poll.waitSeconds', 'polls.$': '$.poll.polls' }, '$.poll');
      const done = new sfn.Choice(this, `${name}Done`).when(sfn.Condition.booleanEquals('$.poll.done', true), next).otherwise(wait);
      return { first: wait, chain: wait.next(check).next(done) };
    };

    const deploy = step('DeployPersonalizeVersion', { step: 'personalize-deploy', 'solutionVersionArn.$': '$.poll.solutionVersionArn' }, '$.deployed');
    const compare = step('ComparePersonalizeVersion', { step: 'personalize-compare', 'solutionVersionArn.$': '$.poll.solutionVersionArn' }, '$.comparison').next(
      new sfn.Choice(this, 'PersonalizeNotWorse')
        .when(sfn.Condition.booleanEquals('$.comparison.promote', true), deploy)
        .otherwise(new sfn.Succeed(this, 'PersonalizeKept')),
    );
    const training = pollLoop('PersonalizeTraining', 'personalize-train-status', 'solutionVersionArn', compare);
    const startTraining = new tasks.LambdaInvoke(this, 'StartPersonalizeTraining', {
      lambdaFunction: this.retrainModelFunction,
      payload: sfn.TaskInput.fromObject({ step: 'personalize-train' }),
      payloadResponseOnly: true,
      resultSelector: { 'solutionVersionArn.$': '$.solutionVersionArn', waitSeconds: 60, polls: 0 },
      resultPath: '$.poll',
    }).next(training.chain);
    const importing = pollLoop('PersonalizeImport', 'personalize-import-status', 'jobArn', startTraining);
    const startImport = new tasks.LambdaInvoke(this, 'StartPersonalizeImport', {
      lambdaFunction: this.retrainModelFunction,
      payload: sfn.TaskInput.fromObject({ step: 'personalize-import', 'dataLocation.$': '$.export.dataLocation' }),
      payloadResponseOnly: true,
      resultSelector: { 'jobArn.$': '$.jobArn', waitSeconds: 60, polls: 0 },
      resultPath: '$.poll',
    }).next(importing.chain);
    return step('ExportForPersonalize', { step: 'personalize-export' }, '$.export').next(startImport);
  }
}
