import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { createPrivateBucket } from '../create-private-bucket';
import { createStateMachine } from '../create-state-machine';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { ROLLOUT_STEP_CONFIG } from '../../layers/runtime/function-configs';

/** Props of {@link Rollouts}. */
export interface RolloutsProps {
  /** Rollout state, arm counters (read) and the state's looks (written). */
  readonly experimentsTable: dynamodb.ITable;
  /** Read: the campaign's rollout plan. */
  readonly campaignsTable: dynamodb.ITable;
  /** Rollbacks, holds and failed rollouts are published here. */
  readonly alertsTopic: sns.ITopic;
  readonly removalPolicy: RemovalPolicy;
  /** How long data-subject export documents (`exports/`) stay; 30 days if absent. */
  readonly exportRetention?: Duration;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * Staged rollouts (docs/rollouts.md): the rollout-step function, the `Rollout` state machine (start a
 * stage → bake → evaluate → widen, bake again, or finish; rollback and hold alert the ops topic) and the
 * `Reports` bucket of finished rollouts' HTML reports. `npm run rollout -- start <campaign>` starts it.
 */
export class Rollouts extends Construct {
  readonly rolloutStepFunction: lambda.IFunction;
  /** `Rollout`. */
  readonly stateMachine: sfn.StateMachine;
  /** `Reports`. */
  readonly reportsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: RolloutsProps) {
    super(scope, id);
    const reports = createPrivateBucket(this, 'Reports', {
      removalPolicy: props.removalPolicy,
      // Export documents hold all of a user's data: long enough to hand over, no longer.
      lifecycleRules: [
        { prefix: 'exports/', expiration: props.exportRetention ?? Duration.days(30) },
        // A broadcast's recipient lists are read within its run (at most 36 hours); a week to look into one.
        { prefix: 'broadcasts/', expiration: Duration.days(7) },
      ],
      withoutAccessLogsBecause:
        'Reports holds rollout reports written only by rollout-step and read by the team through the console or presigned URLs; CloudTrail data events audit access if the account enables them, and an access-log bucket would be a second bucket to secure for no reader.',
    });
    this.reportsBucket = reports;

    const fn = pinLogicalId(
      createFunction(this, 'RolloutStepFunction', {
        ...props.functionDefaults,
        config: ROLLOUT_STEP_CONFIG,
        entry: 'functions/rollouts/rollout-step.handler.ts',
        serviceName: 'rollout-step',
        description: 'Rollout steps: start a stage, evaluate it (guardrail, sample ratio, sequential test), finish with a report',
        memorySize: 512,
        timeout: Duration.minutes(1),
        environment: {
          EXPERIMENTS_TABLE_NAME: props.experimentsTable.tableName,
          CAMPAIGNS_TABLE_NAME: props.campaignsTable.tableName,
          REPORTS_BUCKET_NAME: reports.bucketName,
        },
      }),
      'RolloutStepFunction',
    );
    // DynamoExperimentStore: load/save the state (GetItem, conditional PutItem), the run's counters (Query).
    grantTableActions(props.experimentsTable, fn, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    // DynamoCampaignStore.active: a consistent Scan of the few campaigns.
    grantTableActions(props.campaignsTable, fn, ['dynamodb:Scan']);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [reports.arnForObjects('reports/*')] }));
    acknowledgeNagFinding(
      fn.role!,
      'AwsSolutions-IAM5[Resource::<Reports.Arn>/reports/*]',
      'rollout-step writes reports/<campaign>/<run>.html: the run is named when the rollout starts, so the keys cannot be listed at deploy time. Put only, that prefix only.',
    );
    this.rolloutStepFunction = fn;
    this.stateMachine = this.buildStateMachine(fn, props);
  }

  private buildStateMachine(fn: lambda.IFunction, props: RolloutsProps): sfn.StateMachine {
    const step = (id: string, payload: Record<string, unknown>, resultPath: string) =>
      new tasks.LambdaInvoke(this, id, { lambdaFunction: fn, payload: sfn.TaskInput.fromObject(payload), payloadResponseOnly: true, resultPath, retryOnServiceExceptions: true });
    const run = { 'campaignId.$': '$.campaignId', runId: sfn.JsonPath.executionName };

    const alert = (id: string, subject: string, text: string) =>
      new tasks.SnsPublish(this, id, {
        topic: props.alertsTopic,
        subject,
        message: sfn.TaskInput.fromObject({ alarm: text, 'campaignId.$': '$.campaignId', execution: sfn.JsonPath.executionId, 'reason.$': '$.evaluation.reason', 'report.$': '$.finished.report' }),
        resultPath: sfn.JsonPath.DISCARD,
      });
    const finish = (id: string) => step(id, { step: 'finish', ...run, 'decision.$': '$.evaluation.decision', 'reason.$': '$.evaluation.reason' }, '$.finished');

    const failed = new tasks.SnsPublish(this, 'AlertRolloutFailed', {
      topic: props.alertsTopic,
      subject: 'Rollout failed',
      message: sfn.TaskInput.fromObject({
        alarm: 'A rollout step failed: the exposure stays where it was; look at the execution, then abort or start again',
        'campaignId.$': '$.campaignId',
        execution: sfn.JsonPath.executionId,
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'RolloutFailed', { error: 'RolloutFailed', cause: 'a rollout step failed; see the execution history' }));

    const startStage = step('StartStage', { step: 'start-stage', ...run, 'stageIndex.$': '$.next.stageIndex', 'options.$': '$.options' }, '$.stage');
    const bake = new sfn.Wait(this, 'Bake', { time: sfn.WaitTime.secondsPath('$.stage.bakeSeconds') });
    const evaluate = step('Evaluate', { step: 'evaluate', ...run }, '$.evaluation');
    const widen = new sfn.Pass(this, 'Widen', { parameters: { 'stageIndex.$': '$.evaluation.nextStageIndex' }, resultPath: '$.next' });
    for (const task of [startStage, evaluate]) task.addCatch(failed, { resultPath: '$.failure' });

    const ending = (id: string, outcome: sfn.IChainable, withAlert?: [string, string]) => {
      const done = finish(`Finish${id}`);
      done.addCatch(failed, { resultPath: '$.failure' });
      return withAlert ? done.next(alert(`Alert${id}`, withAlert[0], withAlert[1])).next(outcome) : done.next(outcome);
    };
    const decide = new sfn.Choice(this, 'Decide')
      .when(sfn.Condition.stringEquals('$.evaluation.decision', 'promote'), widen)
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.evaluation.decision', 'extend'), sfn.Condition.stringEquals('$.evaluation.decision', 'paused')), bake)
      .when(sfn.Condition.stringEquals('$.evaluation.decision', 'complete'), ending('Completed', new sfn.Succeed(this, 'Completed')))
      .when(
        sfn.Condition.stringEquals('$.evaluation.decision', 'rollback'),
        ending('RolledBack', new sfn.Fail(this, 'RolledBack', { error: 'RolledBack', cause: 'the guardrail crossed: exposure set to 0' }), ['Rollout rolled back', 'A rollout crossed its conversion guardrail and was rolled back to 0% exposure']),
      )
      .when(
        sfn.Condition.stringEquals('$.evaluation.decision', 'hold'),
        ending('Held', new sfn.Fail(this, 'Held', { error: 'Held', cause: 'the rollout holds at its exposure until someone looks' }), ['Rollout held', 'A rollout holds at its current exposure (sample-ratio mismatch or too little traffic): its data needs a look before it can widen']),
      )
      .otherwise(ending('Aborted', new sfn.Succeed(this, 'Aborted')));
    widen.next(startStage);

    // The execution's input is { campaignId, bakeSeconds? }; the whole of it reaches start-stage as `options`.
    const definition = new sfn.Pass(this, 'Begin', { parameters: { 'campaignId.$': '$.campaignId', 'options.$': '$', next: { stageIndex: 0 } } })
      .next(startStage)
      .next(bake)
      .next(evaluate)
      .next(decide);

    // Four stages of a day, each extended a few times, with room: Step Functions allows a year.
    const machine = createStateMachine(this, 'Rollout', {
      definition,
      timeout: Duration.days(90),
      taskFunction: { logicalId: 'RolloutStepFunction', serviceName: 'rollout-step' },
      functionDefaults: props.functionDefaults,
    });
    return machine;
  }
}
