import { Capture } from 'aws-cdk-lib/assertions';
import { SELECTED_CAMPAIGN_PATTERN } from '../../../infra/constructs/dashboard';
import { PIPELINE_STACK_NAME } from '../../../infra/pipeline-app';
import { resourcesOfType, synthPipeline } from '../synth-pipeline';

/** A graph line: `[namespace, metricName, dimension, value, ..., options]`, or `[{ expression, ... }]`. */
type Line = (string | LineOptions)[];
interface LineOptions {
  readonly expression?: string;
  readonly label?: string;
  readonly id?: string;
  readonly visible?: boolean;
  readonly stat?: string;
  readonly period?: number;
}
interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: Line[];
    readonly alarms?: string[];
    readonly annotations?: { horizontal: { value: number }[] };
  };
}
interface Body {
  readonly widgets: Widget[];
  readonly variables: Record<string, unknown>[];
}

/**
 * The dashboard body as JSON. CloudFormation builds it with `Fn::Join` around the references it holds
 * (region, function and queue names, alarm ARNs): each becomes `{{Ref:<id>}}` or `{{GetAtt:<id>.<attr>}}`.
 */
const parseBody = (joined: unknown): Body => {
  const [, parts] = (joined as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref) return `{{Ref:${ref}}}`;
      const [id, attribute] = (part as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      return `{{GetAtt:${id}.${attribute}}}`;
    })
    .join('');
  return JSON.parse(text) as Body;
};

const { template } = synthPipeline();
const dashboardBody = new Capture();
template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: dashboardBody });
const body = parseBody(dashboardBody.asObject());

const widgetTitled = (start: string): Widget => {
  const found = body.widgets.filter((w) => w.properties.title?.startsWith(start));
  if (found.length !== 1) throw new Error(`${found.length} widgets titled "${start}..."`);
  return found[0]!;
};
const optionsOf = (line: Line): LineOptions => (line.find((part) => typeof part === 'object') ?? {}) as LineOptions;
const expressionsOf = (widget: Widget): string[] => (widget.properties.metrics ?? []).map((line) => optionsOf(line).expression).filter((e): e is string => e !== undefined);
const allExpressions = body.widgets.flatMap(expressionsOf);

describe('Dashboard', () => {
  it('is one dashboard named after the stack', () => {
    // Prepare
    const dashboards = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');

    // Act
    const entries = Object.entries(dashboards);

    // Assess
    expect(entries).toHaveLength(1);
    expect(entries[0]?.[0]).toBe('PipelineDashboard');
    expect(entries[0]?.[1].Properties?.DashboardName).toBe(PIPELINE_STACK_NAME);
  });

  it.each([
    ['Sent per campaign', "SEARCH('{MarketingPipeline,campaign,channel,service} MetricName=\"CampaignSent\" service=\"deliver\"', 'Sum', 3600)"],
    ['Opened per campaign', "SEARCH('{MarketingPipeline,campaign,service} MetricName=\"CampaignOpened\" service=\"process-events\"', 'Sum', 3600)"],
    ['Converted per campaign', "SEARCH('{MarketingPipeline,campaign,service} MetricName=\"CampaignConverted\" service=\"process-events\"', 'Sum', 3600)"],
    ['Held out', "SEARCH('{MarketingPipeline,campaign,service} MetricName=\"CampaignHeld\" service=\"deliver\"', 'Sum', 3600)"],
    ['Revenue per campaign and currency', "SEARCH('{MarketingPipeline,campaign,currency,service} MetricName=\"CampaignRevenue\" service=\"process-events\"', 'Sum', 86400)"],
  ])('finds every campaign at run time: "%s" is a SEARCH, no campaign is named at synth', (title, expression) => {
    // Prepare
    const widget = widgetTitled(title);

    // Act
    const expressions = expressionsOf(widget);

    // Assess
    expect(expressions).toEqual([expression]);
  });

  it('shows suppressions by reason, per campaign', () => {
    // Prepare
    const widget = widgetTitled('Suppressed by reason');

    // Act
    const [line] = widget.properties.metrics ?? [];

    // Assess
    expect(optionsOf(line!)).toMatchObject({
      expression: "SEARCH('{MarketingPipeline,campaign,reason,service} MetricName=\"CampaignSuppressed\" service=\"deliver\"', 'Sum', 3600)",
      label: expect.stringContaining("${PROP('Dim.reason')}"),
    });
  });

  it('divides summed conversions and opens by summed sends for the programme-wide rates', () => {
    // Prepare
    const widget = widgetTitled('Conversion and open rate, all campaigns');

    // Act
    const lines = (widget.properties.metrics ?? []).map(optionsOf);

    // Assess
    expect(lines.filter((l) => l.visible !== false).map((l) => l.expression)).toEqual(['100 * SUM(converted) / SUM(sent)', '100 * SUM(opened) / SUM(sent)']);
    expect(lines.find((l) => l.id === 'sent')?.expression).toContain('MetricName="CampaignSent"');
    expect(lines.find((l) => l.id === 'converted')?.expression).toContain('MetricName="CampaignConverted"');
    expect(lines.find((l) => l.id === 'opened')?.expression).toContain('MetricName="CampaignOpened"');
  });

  it('gives the rates of the campaign picked in a variable populated from the campaigns that sent', () => {
    // Prepare
    const widget = widgetTitled('Conversion and open rate, selected campaign');

    // Act
    const searches = (widget.properties.metrics ?? []).map(optionsOf).filter((l) => l.expression?.startsWith('SEARCH('));

    // Assess
    expect(searches).toHaveLength(3);
    for (const search of searches) expect(search.expression).toContain(`campaign="${SELECTED_CAMPAIGN_PATTERN}"`);
    expect(body.variables).toEqual([
      expect.objectContaining({
        type: 'pattern',
        pattern: SELECTED_CAMPAIGN_PATTERN,
        search: '{MarketingPipeline,campaign,channel,service} MetricName="CampaignSent"',
        populateFrom: 'campaign',
      }),
    ]);
  });

  it('uses only dimensions of bounded cardinality in its searches: never a user, message or order id', () => {
    // Prepare
    const bounded = new Set(['campaign', 'channel', 'reason', 'currency', 'outcome', 'service']);

    // Act
    const dimensions = allExpressions.flatMap((e) => [...e.matchAll(/\{MarketingPipeline,([^}]*)\}/g)].flatMap((m) => m[1]!.split(',')));

    // Assess
    expect(dimensions.length).toBeGreaterThan(0);
    expect(dimensions.filter((d) => !bounded.has(d))).toEqual([]);
  });

  it('graphs the maximum process-events iterator age against the alarm threshold', () => {
    // Prepare
    const widget = widgetTitled('process-events iterator age');

    // Act
    const [line] = widget.properties.metrics ?? [];

    // Assess
    expect(line?.slice(0, 4)).toEqual(['AWS/Lambda', 'IteratorAge', 'FunctionName', '{{Ref:ProcessEventsFunction}}']);
    expect(optionsOf(line!)).toMatchObject({ stat: 'Maximum', period: 60 });
    expect(widget.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 60_000 })]);
  });

  it('graphs the depth of every dead-letter queue', () => {
    // Prepare
    const widget = widgetTitled('Dead-letter queues');

    // Act
    const queues = (widget.properties.metrics ?? []).map((line) => {
      expect(line.slice(0, 3)).toEqual(['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName']);
      return line[3];
    });

    // Assess
    expect(queues).toEqual(
      ['EventsDlq', 'IntentsDlq', 'NightlyProfilesScheduleDlq', 'SweepTimersScheduleDlq', 'RetrainModelScheduleDlq', 'MeasurementScheduleDlq', 'DeliveryStatusDlq', 'BroadcastSchedulerScheduleDlq'].map((q) => `{{GetAtt:${q}.QueueName}}`),
    );
  });

  it("graphs sweep-timers' oldest due timer lag against the alarm threshold", () => {
    // Prepare
    const widget = widgetTitled('Timer lag');

    // Act
    const [line] = widget.properties.metrics ?? [];

    // Assess
    expect(line?.slice(0, 4)).toEqual(['MarketingPipeline', 'OldestTimerDueLag', 'service', 'sweep-timers']);
    expect(optionsOf(line!)).toMatchObject({ stat: 'Maximum', period: 60 });
    expect(widget.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 5 * 60_000 })]);
  });

  it('graphs rate-limited deliveries per channel', () => {
    // Prepare
    const widget = widgetTitled('Rate-limited deliveries');

    // Act
    const expressions = expressionsOf(widget);

    // Assess
    expect(expressions).toEqual(["SEARCH('{MarketingPipeline,outcome,reason,service} MetricName=\"Deliveries\" service=\"deliver\" outcome=\"rate-limited\"', 'Sum', 300)"]);
  });

  it('graphs accepted events inside the anomaly band the alarm uses, and rejected events', () => {
    // Prepare
    const widget = widgetTitled('Ingest');

    // Act
    const lines = widget.properties.metrics ?? [];

    // Assess
    expect(expressionsOf(widget)).toEqual(['FILL(accepted, 0)', 'ANOMALY_DETECTION_BAND(m0, 2)']);
    expect(lines.filter((l) => typeof l[0] === 'string').map((l) => l.slice(0, 4))).toEqual([
      ['MarketingPipeline', 'EventsAccepted', 'service', 'ingest'],
      ['MarketingPipeline', 'EventsRejected', 'service', 'ingest'],
    ]);
  });

  it('graphs the errors of every function', () => {
    // Prepare
    const widget = widgetTitled('Function errors');

    // Act
    const functions = (widget.properties.metrics ?? []).map((line) => line.slice(0, 4));

    // Assess
    expect(functions).toHaveLength(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).length);
    for (const line of functions) expect(line.slice(0, 3)).toEqual(['AWS/Lambda', 'Errors', 'FunctionName']);
  });

  it('shows the state of every alarm of the stack', () => {
    // Prepare
    const alarms = Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));

    // Act
    const shown = body.widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms ?? []);

    // Assess
    expect(shown.sort()).toEqual(alarms.map((id) => `{{GetAtt:${id}.Arn}}`).sort());
  });
});
