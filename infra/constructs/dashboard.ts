import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../create-function';
import { pinLogicalId } from '../logical-id';
import { SWEEP_TIMERS_SERVICE_NAME } from './campaign-timers';
import { INGEST_SERVICE_NAME } from './ingest';
import { DELIVER_SERVICE_NAME } from './messaging';
import { acceptedEventsVolume, INGEST_ANOMALY_BAND_STD_DEVS, INGEST_VOLUME_PERIOD } from './observability';
import { KPI_MONITOR_SERVICE_NAME } from './measurement';
import { PROCESS_EVENTS_SERVICE_NAME } from './processing';

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  /** The stream consumer whose iterator age is graphed. */
  readonly processEventsFunction: lambda.IFunction;
  /** Drawn as a line on the iterator age graph: the alarm's threshold. */
  readonly iteratorAgeThreshold: Duration;
  /** Drawn as a line on the timer lag graph: the alarm's threshold. */
  readonly timerLagThreshold: Duration;
  /** Dead-letter queues by name, the same map Observability alarms on. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Functions by name whose errors are graphed, the same map Observability alarms on. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Alarms whose state the dashboard shows (Observability's). */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** The dashboard variable's placeholder: the selected campaign replaces it in the per-campaign rate expressions. */
export const SELECTED_CAMPAIGN_PATTERN = '__CAMPAIGN__';

/** Counts per hour: a week of them is 168 points a line. */
const HOUR = 3600;
/**
 * Rates and revenue per day: an open or an order comes hours after its send, so an hourly ratio of
 * opens to sends would swing with the time of day rather than with the campaign.
 */
const DAY = 86_400;

/** `SEARCH('{MarketingPipeline,<dimensions>} MetricName="<name>" service="<service>" <filter>', 'Sum', <period>)`. */
const searchSum = (props: { metricName: string; dimensions: readonly string[]; service: string; filter?: string; period: number }): string => {
  const schema = [METRICS_NAMESPACE, ...[...props.dimensions, 'service'].sort()].join(',');
  const terms = [`MetricName="${props.metricName}"`, `service="${props.service}"`, ...(props.filter ? [props.filter] : [])].join(' ');
  return `SEARCH('{${schema}} ${terms}', 'Sum', ${props.period})`;
};

/** A SEARCH expression as a dashboard line: one time series per combination of the dimensions. */
const search = (expression: string, label: string, period: number): cloudwatch.MathExpression =>
  new cloudwatch.MathExpression({ expression, label, period: Duration.seconds(period) });

/** Funnel metric names, their dimensions besides `service`, and the function that emits them. */
const FUNNEL = {
  sent: { metricName: 'CampaignSent', dimensions: ['campaign', 'channel'], service: DELIVER_SERVICE_NAME },
  held: { metricName: 'CampaignHeld', dimensions: ['campaign'], service: DELIVER_SERVICE_NAME },
  suppressed: { metricName: 'CampaignSuppressed', dimensions: ['campaign', 'reason'], service: DELIVER_SERVICE_NAME },
  opened: { metricName: 'CampaignOpened', dimensions: ['campaign'], service: PROCESS_EVENTS_SERVICE_NAME },
  converted: { metricName: 'CampaignConverted', dimensions: ['campaign'], service: PROCESS_EVENTS_SERVICE_NAME },
  revenue: { metricName: 'CampaignRevenue', dimensions: ['campaign', 'currency'], service: PROCESS_EVENTS_SERVICE_NAME },
} as const;

/**
 * One CloudWatch dashboard, named after the stack: the campaign funnel on top, pipeline health below.
 *
 * **Campaigns** are files activated at run time, so none is named here: every campaign widget is a
 * `SEARCH` over the funnel metrics deliver and process-events emit (`CampaignSent` by campaign and
 * channel, `CampaignHeld`, `CampaignSuppressed` by campaign and reason, `CampaignOpened`,
 * `CampaignConverted`, `CampaignRevenue` by campaign and currency), and a campaign that starts sending
 * appears on its own.
 *
 * **Rates.** Metric math divides a time series by a time series or an array by one series, but not one
 * array by another, so `SEARCH(converted) / SEARCH(sent)` cannot pair campaigns up. The dashboard shows
 * instead the programme-wide conversion and open rates (sum over campaigns / sum over campaigns), the
 * per-campaign counts they come from, and the rates of one campaign picked in the dashboard's
 * `Campaign` variable (its values come from a search of `CampaignSent`). The exact per-campaign rates,
 * with their anomaly rule, are the daily review's and `npm run kpis`'s (the `Kpis` table).
 *
 * **Pipeline health**: events accepted against their anomaly band (the alarm's), rejected events,
 * process-events iterator age, timer lag, rate-limited deliveries, the depth of every dead-letter
 * queue, function errors, and the state of every alarm.
 *
 * **Bounded dimensions.** Each dimension of these metrics takes few values: campaigns (tens, defined
 * by people), channels (push, SMS), suppression reasons and outcomes (enums of the code), currencies
 * (ISO 4217 codes), services. Never a user, message, device or order id: CloudWatch bills and keeps
 * each combination of dimension values as a metric of its own, and a SEARCH over a metric per user
 * would be slow, costly and capped at 500 lines, besides putting identifiers of people in metrics.
 */
export class Dashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.days(7),
      variables: [
        new cloudwatch.DashboardVariable({
          id: 'campaign',
          label: 'Campaign',
          type: cloudwatch.VariableType.PATTERN,
          inputType: cloudwatch.VariableInputType.SELECT,
          value: SELECTED_CAMPAIGN_PATTERN,
          values: cloudwatch.Values.fromSearchComponents({
            namespace: METRICS_NAMESPACE,
            dimensions: [...FUNNEL.sent.dimensions, 'service'],
            metricName: FUNNEL.sent.metricName,
            populateFrom: 'campaign',
          }),
          defaultValue: cloudwatch.DefaultValue.FIRST,
        }),
      ],
    });
    pinLogicalId(dashboard, 'PipelineDashboard');
    this.dashboard = dashboard;

    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Campaigns\nCounts per hour, rates and revenue per day, one line per campaign (no campaign is listed in the stack: new ones appear when they send). ' +
          'Metric math cannot divide one campaign list by another, so the rates are programme-wide, or for the campaign picked in **Campaign** above; ' +
          'exact per-campaign rates are in the daily review and `npm run kpis`.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(...this.funnelWidgets());
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '# Pipeline health\nWhat the alarms watch, with their thresholds; every alarm notifies the `Alerts` topic.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(...this.healthWidgets(props));
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.alarms],
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        width: 24,
        height: 4,
      }),
    );
  }

  private funnelWidgets(): cloudwatch.IWidget[] {
    const perCampaign = "${PROP('Dim.campaign')}";
    const sum = (metric: (typeof FUNNEL)[keyof typeof FUNNEL], label: string, period: number, filter?: string) =>
      search(searchSum({ ...metric, period, filter }), label, period);
    const rate = (expression: string, label: string, usingMetrics: Record<string, cloudwatch.IMetric>) =>
      new cloudwatch.MathExpression({ expression, label, usingMetrics, period: Duration.seconds(DAY) });
    const selected = `campaign="${SELECTED_CAMPAIGN_PATTERN}"`;
    const percent = { min: 0, label: '%', showUnits: false };
    const count = { min: 0, showUnits: false };

    return [
      new cloudwatch.GraphWidget({
        title: 'Sent per campaign and channel (hourly)',
        left: [sum(FUNNEL.sent, `${perCampaign} · \${PROP('Dim.channel')}`, HOUR)],
        leftYAxis: count,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Opened per campaign (hourly)',
        left: [sum(FUNNEL.opened, perCampaign, HOUR)],
        leftYAxis: count,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Converted per campaign (hourly)',
        left: [sum(FUNNEL.converted, perCampaign, HOUR)],
        leftYAxis: count,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Conversion and open rate, all campaigns (daily)',
        left: [
          rate('100 * SUM(converted) / SUM(sent)', 'Conversion rate', { converted: sum(FUNNEL.converted, 'Converted', DAY), sent: sum(FUNNEL.sent, 'Sent', DAY) }),
          rate('100 * SUM(opened) / SUM(sent)', 'Open rate (CTR)', { opened: sum(FUNNEL.opened, 'Opened', DAY), sent: sum(FUNNEL.sent, 'Sent', DAY) }),
        ],
        leftYAxis: percent,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Conversion and open rate, selected campaign (daily)',
        left: [
          rate('100 * SUM(converted) / SUM(sent)', 'Conversion rate', {
            converted: sum(FUNNEL.converted, 'Converted', DAY, selected),
            sent: sum(FUNNEL.sent, 'Sent', DAY, selected),
          }),
          rate('100 * SUM(opened) / SUM(sent)', 'Open rate (CTR)', {
            opened: sum(FUNNEL.opened, 'Opened', DAY, selected),
            sent: sum(FUNNEL.sent, 'Sent', DAY, selected),
          }),
        ],
        leftYAxis: percent,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Conversion and CTR per campaign, last 24 h (hourly, from the exact counters)',
        left: [
          search(`SEARCH('{${METRICS_NAMESPACE},campaign,service} MetricName="CampaignConversionRate24h" service="${KPI_MONITOR_SERVICE_NAME}"', 'Average', ${HOUR})`, `conversion · ${perCampaign}`, HOUR),
          search(`SEARCH('{${METRICS_NAMESPACE},campaign,service} MetricName="CampaignClickThroughRate24h" service="${KPI_MONITOR_SERVICE_NAME}"', 'Average', ${HOUR})`, `CTR · ${perCampaign}`, HOUR),
        ],
        leftYAxis: percent,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Revenue per campaign and currency (daily)',
        left: [sum(FUNNEL.revenue, `${perCampaign} \${PROP('Dim.currency')}`, DAY)],
        leftYAxis: count,
        view: cloudwatch.GraphWidgetView.BAR,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Suppressed by reason and campaign (hourly)',
        left: [sum(FUNNEL.suppressed, `\${PROP('Dim.reason')} · ${perCampaign}`, HOUR)],
        leftYAxis: count,
        stacked: true,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Held out (global holdout) per campaign (hourly)',
        left: [sum(FUNNEL.held, perCampaign, HOUR)],
        leftYAxis: count,
        width: 8,
      }),
      new cloudwatch.TableWidget({
        title: 'Funnel per campaign over the time range',
        metrics: [sum(FUNNEL.sent, `Sent ${perCampaign} \${PROP('Dim.channel')}`, DAY), sum(FUNNEL.opened, `Opened ${perCampaign}`, DAY), sum(FUNNEL.converted, `Converted ${perCampaign}`, DAY)],
        summary: { columns: [cloudwatch.TableSummaryColumn.SUM], hideNonSummaryColumns: true },
        width: 8,
      }),
    ];
  }

  private healthWidgets(props: DashboardProps): cloudwatch.IWidget[] {
    const minute = Duration.minutes(1);
    const volume = acceptedEventsVolume();
    const milliseconds = { min: 0, label: 'ms', showUnits: false };
    return [
      new cloudwatch.GraphWidget({
        title: 'Ingest: events accepted (anomaly band of the alarm) and rejected, per 5 minutes',
        left: [volume, cloudwatch.Metric.anomalyDetectionFor({ metric: volume, stdDevs: INGEST_ANOMALY_BAND_STD_DEVS, label: 'Expected band' })],
        right: [
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: 'EventsRejected',
            dimensionsMap: { service: INGEST_SERVICE_NAME },
            statistic: cloudwatch.Stats.SUM,
            period: INGEST_VOLUME_PERIOD,
            label: 'Events rejected',
          }),
        ],
        leftYAxis: { min: 0, showUnits: false },
        rightYAxis: { min: 0, showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'process-events iterator age (maximum)',
        left: [props.processEventsFunction.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: minute, label: 'Iterator age' })],
        leftAnnotations: [{ value: props.iteratorAgeThreshold.toMilliseconds(), label: 'Alarm' }],
        leftYAxis: milliseconds,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Timer lag: oldest due timer (maximum)',
        left: [
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: 'OldestTimerDueLag',
            dimensionsMap: { service: SWEEP_TIMERS_SERVICE_NAME },
            statistic: cloudwatch.Stats.MAXIMUM,
            period: minute,
            label: 'Oldest due timer lag',
          }),
        ],
        leftAnnotations: [{ value: props.timerLagThreshold.toMilliseconds(), label: 'Alarm' }],
        leftYAxis: milliseconds,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        // deliver emits no wait-time metric: a send that finds no slot within its wait budget is
        // counted as `Deliveries` outcome=rate-limited (reason: the channel) and retried later.
        title: 'Rate-limited deliveries per channel (per 5 minutes)',
        left: [
          search(
            searchSum({ metricName: 'Deliveries', dimensions: ['outcome', 'reason'], service: DELIVER_SERVICE_NAME, filter: 'outcome="rate-limited"', period: 300 }),
            "${PROP('Dim.reason')}",
            300,
          ),
        ],
        leftYAxis: { min: 0, showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        // Behaviour left out for want of tracking consent (docs/profiles.md#consent-and-tracking).
        title: 'Events not tracked, by reason (per 5 minutes)',
        left: [search(searchSum({ metricName: 'EventsNotTracked', dimensions: ['reason'], service: PROCESS_EVENTS_SERVICE_NAME, period: 300 }), "${PROP('Dim.reason')}", 300)],
        leftYAxis: { min: 0, showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues: messages visible (maximum)',
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: minute, label: name }),
        ),
        leftAnnotations: [{ value: 1, label: 'Alarm' }],
        leftYAxis: { min: 0, showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors (per 5 minutes)',
        left: Object.entries(props.functions).map(([name, fn]) => fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), label: name })),
        leftYAxis: { min: 0, showUnits: false },
        width: 8,
      }),
    ];
  }
}
