import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FAN_OUT_LEAD_MS } from '../../layers/core/broadcasts/occurrences';
import { BROADCAST_SCHEDULER_CONFIG, BROADCAST_STEP_CONFIG } from '../../layers/runtime/function-configs';
import { createDeadLetterQueue } from '../create-dead-letter-queue';
import { createFunction, type FunctionDefaults } from '../create-function';
import { createStateMachine } from '../create-state-machine';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { scheduleFunction } from '../schedule-function';

/** Props of {@link Broadcasts}. */
export interface BroadcastsProps {
  readonly profilesTable: dynamodb.ITable;
  readonly campaignsTable: dynamodb.ITable;
  /** The broadcasts' progress records, beside the rollouts' state. */
  readonly experimentsTable: dynamodb.ITable;
  /** `Reports`: recipient lists (`broadcasts/`) and imported segments (`segments/`). */
  readonly reportsBucket: s3.IBucket;
  readonly intentsQueue: sqs.IQueue;
  /** Segments of the parallel scan: workers of the Distributed Map. */
  readonly scanSegments: number;
  /** Workers of one Distributed Map at once. */
  readonly maxConcurrency: number;
  readonly defaultTimeZone?: string;
  readonly functionDefaults: FunctionDefaults;
}

/** How often the scheduler looks for broadcast occurrences to start: a third of the fan-out's lead. */
const SCHEDULER_PERIOD = Duration.minutes(5);

/**
 * Scheduled broadcasts (docs/broadcasts.md): the broadcast-scheduler function (every 5 minutes, starts
 * each due occurrence once) and the `Broadcast` state machine that fans one occurrence out. A Distributed
 * Map over the segments of a parallel scan of Profiles collects the recipients by wave (the minute they
 * are sent at, in their zone), then each wave waits for its time and a Distributed Map sends every
 * segment's share onto `Intents`, where deliver applies consent, quiet hours, caps, holdout, rollout and
 * the account's rate limit.
 */
export class Broadcasts extends Construct {
  readonly stepFunction: lambda.IFunction;
  readonly schedulerFunction: lambda.IFunction;
  /** `Broadcast`. */
  readonly stateMachine: sfn.StateMachine;
  /** `BroadcastSchedulerScheduleDlq`. */
  readonly scheduleDlq: sqs.IQueue;

  constructor(scope: Construct, id: string, props: BroadcastsProps) {
    super(scope, id);
    this.stepFunction = this.createStepFunction(props);
    this.stateMachine = this.buildStateMachine(this.stepFunction, props);

    const dlq = createDeadLetterQueue(this, 'BroadcastSchedulerScheduleDlq', props.functionDefaults.deadLetterRetention);
    acknowledgeNagFinding(dlq, 'AwsSolutions-SQS3', 'BroadcastSchedulerScheduleDlq is itself a dead-letter queue: the DeadLetterConfig of the BroadcastSchedulerSchedule target. The rule only recognises queues named in a redrive policy or a function DeadLetterConfig.');
    this.scheduleDlq = dlq;
    const fn = pinLogicalId(
      createFunction(this, 'BroadcastSchedulerFunction', {
        ...props.functionDefaults,
        config: BROADCAST_SCHEDULER_CONFIG,
        entry: 'functions/campaigns/broadcast-scheduler.handler.ts',
        serviceName: 'broadcast-scheduler',
        description: 'Every 5 minutes: starts the fan-out of each broadcast occurrence whose time has come, once',
        timeout: Duration.minutes(1),
        environment: { CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName, BROADCAST_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
      }),
      'BroadcastSchedulerFunction',
    );
    grantTableActions(props.campaignsTable, fn, ['dynamodb:Scan']);
    this.stateMachine.grantStartExecution(fn);
    this.schedulerFunction = fn;
    scheduleFunction(this, 'BroadcastSchedulerSchedule', {
      fn,
      description: 'Runs broadcast-scheduler every 5 minutes: starts due broadcasts',
      expression: scheduler.ScheduleExpression.rate(SCHEDULER_PERIOD),
      deliveryRetry: { attempts: 2, maxEventAge: SCHEDULER_PERIOD },
      runRetry: { attempts: 0, maxEventAge: SCHEDULER_PERIOD },
      dlq,
      // The next tick looks back two hours: a failed run is redone by it, not replayed.
      failedRunsToDlq: false,
    });
  }

  private createStepFunction(props: BroadcastsProps): lambda.IFunction {
    const fn = pinLogicalId(
      createFunction(this, 'BroadcastStepFunction', {
        ...props.functionDefaults,
        config: BROADCAST_STEP_CONFIG,
        entry: 'functions/campaigns/broadcast-step.handler.ts',
        serviceName: 'broadcast-step',
        description: 'Broadcast fan-out: plan, collect one scan segment\'s recipients, order the waves, send one segment\'s wave, finish',
        memorySize: 1024,
        timeout: Duration.minutes(15),
        environment: {
          PROFILES_TABLE_NAME: props.profilesTable.tableName,
          CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName,
          EXPERIMENTS_TABLE_NAME: props.experimentsTable.tableName,
          REPORTS_BUCKET_NAME: props.reportsBucket.bucketName,
          INTENTS_QUEUE_URL: props.intentsQueue.queueUrl,
          BROADCAST_SCAN_SEGMENTS: String(props.scanSegments),
          ...(props.defaultTimeZone && { DEFAULT_TIME_ZONE: props.defaultTimeZone }),
        },
      }),
      'BroadcastStepFunction',
    );
    grantTableActions(props.profilesTable, fn, ['dynamodb:Scan']);
    grantTableActions(props.campaignsTable, fn, ['dynamodb:Scan']);
    grantTableActions(props.experimentsTable, fn, ['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    props.intentsQueue.grantSendMessages(fn);
    const policy = new iam.Policy(this, 'BroadcastStepBucketPolicy', {
      roles: [fn.role!],
      statements: [
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [props.reportsBucket.arnForObjects('broadcasts/*')] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.reportsBucket.arnForObjects('segments/*')] }),
      ],
    });
    fn.node.addDependency(policy);
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5[Resource::<Reports.Arn>/broadcasts/*]', 'broadcast-step writes and reads the recipient lists of each occurrence under broadcasts/<campaign>/<occurrence>/: named when an occurrence starts.');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5[Resource::<Reports.Arn>/segments/*]', 'broadcast-step reads imported segments, segments/<name>.csv, named by the campaign file that uses one. Read only.');
    return fn;
  }

  private buildStateMachine(fn: lambda.IFunction, props: BroadcastsProps): sfn.StateMachine {
    const ref = { 'campaignId.$': '$.campaignId', 'occurrence.$': '$.occurrence' };
    const step = (id: string, payload: Record<string, unknown>, resultPath?: string) =>
      new tasks.LambdaInvoke(this, id, { lambdaFunction: fn, payload: sfn.TaskInput.fromObject(payload), payloadResponseOnly: true, retryOnServiceExceptions: true, ...(resultPath && { resultPath }) }).addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(5),
        maxAttempts: 3,
        backoffRate: 2,
      });

    const collect = new sfn.DistributedMap(this, 'CollectRecipients', {
      itemsPath: '$.segments',
      itemSelector: { 'campaignId.$': '$.campaignId', 'occurrence.$': '$.occurrence', 'segment.$': '$$.Map.Item.Value', 'totalSegments.$': '$.totalSegments' },
      maxConcurrency: props.maxConcurrency,
      resultPath: '$.collected',
    });
    collect.itemProcessor(step('CollectSegment', { step: 'collect', ...ref, 'segment.$': '$.segment', 'totalSegments.$': '$.totalSegments' }));

    const send = new sfn.DistributedMap(this, 'SendWave', {
      itemsPath: '$.segments',
      itemSelector: { 'campaignId.$': '$.campaignId', 'occurrence.$': '$.occurrence', 'wave.$': '$.wave.at', 'segment.$': '$$.Map.Item.Value' },
      maxConcurrency: props.maxConcurrency,
      resultPath: sfn.JsonPath.DISCARD,
    });
    send.itemProcessor(step('SendSegment', { step: 'send', ...ref, 'segment.$': '$.segment', 'wave.$': '$.wave' }));

    const eachWave = new sfn.Map(this, 'EachWave', {
      itemsPath: '$.waves',
      itemSelector: { 'campaignId.$': '$.campaignId', 'occurrence.$': '$.occurrence', 'segments.$': '$.segments', 'wave.$': '$$.Map.Item.Value' },
      // One wave after the other: each waits for its minute.
      maxConcurrency: 1,
      resultPath: sfn.JsonPath.DISCARD,
    });
    eachWave.itemProcessor(new sfn.Wait(this, 'UntilWave', { time: sfn.WaitTime.timestampPath('$.wave.at') }).next(send));

    const definition = step('Plan', { step: 'plan', ...ref })
      .next(collect)
      .next(step('OrderWaves', { step: 'waves', ...ref, 'segments.$': '$.segments', 'collected.$': '$.collected' }))
      .next(eachWave)
      .next(step('Finish', { step: 'finish', ...ref }));

    const machine = createStateMachine(this, 'Broadcast', {
      definition,
      // A local-time occurrence spans 26 hours of zones after its lead; a day and a half leaves room.
      timeout: Duration.hours(36),
      taskFunction: { logicalId: 'BroadcastStepFunction', serviceName: 'broadcast-step' },
      functionDefaults: props.functionDefaults,
    });
    const own = '{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"Broadcast"}]}]}';
    const why = 'A Distributed Map runs its items as child executions of the machine\'s own executions, named when they start: CDK grants the machine DescribeExecution and StopExecution on them, and nothing else.';
    acknowledgeNagFinding(machine, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${own}:*]`, why);
    acknowledgeNagFinding(machine, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${own}/*:*]`, why);
    return machine;
  }
}

/** The lead of the fan-out in minutes, for the docs' and the tests' arithmetic. */
export const FAN_OUT_LEAD_MINUTES = FAN_OUT_LEAD_MS / 60_000;
