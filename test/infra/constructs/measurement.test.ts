import { allowedActionsOf, arnOf, resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources;

describe('Measurement', () => {
  it('runs kpi-monitor every hour and daily-review at 09:00 in the reporting zone (UTC by default)', () => {
    expect(resources.KpiMonitorSchedule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', Target: { Arn: arnOf('KpiMonitorFunction') } });
    expect(resources.DailyReviewSchedule.Properties).toMatchObject({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'UTC', Target: { Arn: arnOf('DailyReviewFunction') } });
  });

  it('gives the review its zone and costs, and lets it write only reviews/ of Reports and publish only to Reviews', () => {
    const variables = resources.DailyReviewFunction.Properties.Environment.Variables;
    expect(variables).toMatchObject({ KPI_TIME_ZONE: 'UTC', REVIEWS_TOPIC_ARN: { Ref: 'Reviews' }, REPORTS_BUCKET_NAME: { Ref: 'Reports' }, KPIS_TABLE_NAME: { Ref: 'Kpis' } });
    expect(JSON.parse(variables.KPI_COSTS)).toMatchObject({ currency: 'GBP', commissionRate: 0 });
    const allowed = allowedActionsOf(template, 'DailyReviewFunction');
    expect(JSON.stringify(allowed.get('s3:PutObject'))).toContain('/reviews/*');
    expect(allowed.get('sns:Publish')).toEqual([{ Ref: 'Reviews' }]);
    expect([...allowed.keys()].filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:Query', 'dynamodb:Scan']);
  });

  it('lets kpi-monitor claim alerts in Kpis and publish to Alerts only', () => {
    const allowed = allowedActionsOf(template, 'KpiMonitorFunction');
    expect(allowed.get('sns:Publish')).toEqual([{ Ref: 'Alerts' }]);
    expect(allowed.get('dynamodb:PutItem')).toEqual([arnOf('Kpis')]);
  });

  it('subscribes delivery-status to the SMS delivery status log groups SNS writes, success and failure', () => {
    const filters = Object.values(resourcesOfType(template, 'AWS::Logs::SubscriptionFilter'));
    const groups = Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup')).map((group) => JSON.stringify(group.Properties?.LogGroupName) ?? '');
    expect(filters).toHaveLength(2);
    for (const filter of filters) expect(filter.Properties?.DestinationArn).toEqual(arnOf('DeliveryStatusFunction'));
    expect(groups.filter((name) => name.includes('DirectPublishToPhoneNumber'))).toHaveLength(2);
    expect(resources.DeliveryStatusFunction.Properties.Environment.Variables.KPIS_TABLE_NAME).toEqual({ Ref: 'Kpis' });
  });

  it('adds each configured push application’s log groups', () => {
    const { template: withPush } = synthPipeline({ context: { 'pipeline:pushPlatformApplications': 'GCM/shop-app' } });
    const groups = Object.values(resourcesOfType(withPush, 'AWS::Logs::LogGroup')).map((group) => JSON.stringify(group.Properties?.LogGroupName) ?? '');
    expect(groups.filter((name) => name.includes('/app/GCM/shop-app'))).toHaveLength(2);
  });
});
