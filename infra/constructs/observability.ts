import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../create-function';
import { SWEEP_TIMERS_SERVICE_NAME } from './campaign-timers';
import { INGEST_SERVICE_NAME } from './ingest';

/** Width of the ingest-volume anomaly band, in standard deviations of CloudWatch's model (its default). */
export const INGEST_ANOMALY_BAND_STD_DEVS = 2;

/** Period of the ingest-volume anomaly alarm and of the volume the dashboard shows beside it. */
export const INGEST_VOLUME_PERIOD = Duration.minutes(5);

/**
 * Events accepted by ingest per 5 minutes, 0 when no request arrived: `FILL` turns "no data" into the
 * zero it means here, so the anomaly model learns the quiet hours as zeros and a stop of all traffic in
 * an hour that is normally busy reads as far below the band (missing data would be no evidence at all).
 */
export const acceptedEventsVolume = (): cloudwatch.MathExpression =>
  new cloudwatch.MathExpression({
    expression: 'FILL(accepted, 0)',
    usingMetrics: {
      accepted: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'EventsAccepted',
        dimensionsMap: { service: INGEST_SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: INGEST_VOLUME_PERIOD,
      }),
    },
    period: INGEST_VOLUME_PERIOD,
    label: 'Events accepted',
  });

/** Props of {@link Observability}. */
export interface ObservabilityProps {
  /** Every alarm notifies this topic. */
  readonly alertsTopic: sns.ITopic;
  /** The stream consumer whose iterator age tells whether processing keeps up. */
  readonly processEventsFunction: lambda.IFunction;
  /** Iterator age (maximum over a minute) above which the pipeline is falling behind. */
  readonly iteratorAgeThreshold: Duration;
  /** The nightly rescoring, one invocation over the whole `Profiles` table: its duration tells how close it is to its timeout. */
  readonly nightlyProfilesFunction: lambda.IFunction;
  /** Duration of a nightly-profiles run above which the table is outgrowing one invocation. */
  readonly nightlyProfilesDurationThreshold: Duration;
  /** How late the oldest due timer (sweep-timers' `OldestTimerDueLag`) may be before customers notice (their "24 h later" message is late). */
  readonly timerLagThreshold: Duration;
  /** Dead-letter queues by name (`EventsDlq`, ...): any message in one needs a human. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Functions by name (`Ingest`, ...) whose errors are alarmed on. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** State machines by name whose failed, timed-out or aborted executions are alarmed on. */
  readonly stateMachines?: Readonly<Record<string, sfn.IStateMachine>>;
}

/**
 * Alarms that page someone, all notifying the `Alerts` topic: process-events iterator age (the
 * pipeline falls behind), nightly-profiles duration (the table outgrows one invocation), timer lag
 * (delayed campaigns fire late or not at all), ingest volume outside its anomaly band (producers
 * stopped sending, or send far too much), depth of
 * every DLQ (something was given up on), and function errors (an invocation failed as a whole, which
 * partial batch responses otherwise avoid).
 */
export class Observability extends Construct {
  /** Every alarm created, for dashboards or extra actions. */
  readonly alarms: readonly cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const alarms: cloudwatch.Alarm[] = [];

    alarms.push(
      props.processEventsFunction
        .metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) })
        .createAlarm(this, 'ProcessEventsIteratorAge', {
          alarmDescription: `process-events is falling behind the Events stream: the oldest record waits more than ${props.iteratorAgeThreshold.toHumanString()}`,
          threshold: props.iteratorAgeThreshold.toMilliseconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // Three minutes out of five: one slow batch (a bisect, a throttled write) is not an incident.
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          // No data means no records arrived, not that processing stopped.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    alarms.push(
      props.nightlyProfilesFunction
        .metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) })
        .createAlarm(this, 'NightlyProfilesDuration', {
          alarmDescription: `A nightly-profiles run took more than ${props.nightlyProfilesDurationThreshold.toHumanString()}: the Profiles table is outgrowing a single invocation`,
          threshold: props.nightlyProfilesDurationThreshold.toMilliseconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // One run a night: one long run is the signal.
          evaluationPeriods: 1,
          // No data between runs.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    alarms.push(
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'OldestTimerDueLag',
        // Powertools Metrics adds the service dimension to every metric of a function.
        dimensionsMap: { service: SWEEP_TIMERS_SERVICE_NAME },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }).createAlarm(this, 'TimersLate', {
        alarmDescription: `Campaign timers fire late: the oldest due timer waited more than ${props.timerLagThreshold.toHumanString()} (sweep-timers falling behind, failing or not running)`,
        threshold: props.timerLagThreshold.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // The sweep reports every minute, 0 when nothing is due: no data means it is not running.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );

    alarms.push(
      new cloudwatch.AnomalyDetectionAlarm(this, 'IngestVolumeAnomaly', {
        metric: acceptedEventsVolume(),
        stdDevs: INGEST_ANOMALY_BAND_STD_DEVS,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
        alarmDescription:
          'Accepted events left their expected band for 15 minutes: too few (a producer or app release stopped sending, the API key or endpoint changed) or too many (a retry storm, a bot, a duplicated producer)',
        // Three periods out of three: one odd 5-minute sum (a batch job's burst, a quiet spell) is not an incident.
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // FILL already turns no traffic into zeros: what is still missing is CloudWatch having nothing
        // to return at all (a new stack, no history), which says nothing about an anomaly.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarms.push(
        queue
          .metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) })
          .createAlarm(this, `${name}Depth`, {
            alarmDescription: `${name} holds messages: records, intents or runs were given up on and need inspection and replay`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      alarms.push(
        fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }).createAlarm(this, `${name}Errors`, {
          alarmDescription: `${name} invocations failed as a whole, not just some records of a batch: see its logs and traces`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, machine] of Object.entries(props.stateMachines ?? {})) {
      alarms.push(
        new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: machine.metricFailed({ period: Duration.minutes(5) }),
            timedOut: machine.metricTimedOut({ period: Duration.minutes(5) }),
            aborted: machine.metricAborted({ period: Duration.minutes(5) }),
          },
          period: Duration.minutes(5),
        }).createAlarm(this, `${name}ExecutionsFailed`, {
          alarmDescription: `${name} executions failed, timed out or were aborted: see the execution history`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const notify = new SnsAction(props.alertsTopic);
    for (const alarm of alarms) alarm.addAlarmAction(notify);
    this.alarms = alarms;

    // The topic policy enforceSSL creates replaces SNS's default one, which is what let CloudWatch
    // publish: allow it again, for this account's alarms only (confused-deputy guard).
    props.alertsTopic.grantPublish(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        ArnLike: {
          'aws:SourceArn': Stack.of(this).formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      }),
    );
  }
}
