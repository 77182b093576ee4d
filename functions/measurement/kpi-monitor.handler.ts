import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoKpiStore } from '../../layers/adapters/dynamo-kpi-store';
import { SnsNotices } from '../../layers/adapters/sns-notices';
import { systemClock, type Clock } from '../../layers/core/clock';
import { utcDaysCovering } from '../../layers/core/kpis/kpi-report';
import { dailyWindows, describeAnomaly, findRateDrops, isJudgingRun } from '../../layers/core/kpis/monitor-campaigns';
import { BASELINE_DAYS } from '../../layers/core/kpis/rate-drop';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { KPI_MONITOR_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface KpiMonitorOverrides {
  dynamo?: DynamoDBDocumentClient;
  sns?: SNSClient;
  clock?: Clock;
}

/**
 * Hourly: every active campaign's conversion and CTR over the last 24 hours as metrics (the dashboard);
 * in the first hour of each UTC day, the day that ended judged against the 7 days before
 * (docs/measurement.md): a drop publishes to the Alerts topic with the figures, once per campaign, rate
 * and day.
 */
export const createKpiMonitorHandler = (env: Environment, overrides: KpiMonitorOverrides = {}) => {
  const config = KPI_MONITOR_CONFIG.parse(env);
  const observability = createObservability('kpi-monitor');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const kpis = new DynamoKpiStore(dynamo, config.KPIS_TABLE_NAME);
  const campaigns = new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME);
  const alerts = new SnsNotices(overrides.sns ?? clients.sns(), config.ALERTS_TOPIC_ARN);
  const clock = overrides.clock ?? systemClock;
  /** Each campaign's exact rates over the last 24 hours, for the dashboard (one data point per campaign an hour). */
  const emitRates = (campaignId: string, day: { sent: number; converted: number; opened: number }) => {
    if (day.sent === 0) return;
    const metric = metrics.singleMetric();
    metric.addDimension('campaign', campaignId);
    metric.addMetric('CampaignConversionRate24h', MetricUnit.Percent, (100 * day.converted) / day.sent);
    metric.addMetric('CampaignClickThroughRate24h', MetricUnit.Percent, (100 * day.opened) / day.sent);
  };

  return withObservability(async () => {
    const now = clock();
    const today = now.toISOString().slice(0, 10);
    const days = utcDaysCovering(new Date(now.getTime() - BASELINE_DAYS * 86_400_000).toISOString().slice(0, 10), today);
    const alerted: string[] = [];
    for (const campaign of await campaigns.active()) {
      const rows = await kpis.counters(campaign.id, days);
      emitRates(campaign.id, dailyWindows(campaign.id, rows, now).windows[0]!);
      if (!isJudgingRun(now)) continue;
      for (const anomaly of findRateDrops(campaign.id, rows, now)) {
        if (!(await kpis.claimAlert(campaign.id, anomaly.rate, anomaly.window.from.slice(0, 10)))) continue;
        const { subject, message } = describeAnomaly(anomaly);
        await alerts.publish(subject, message);
        alerted.push(`${campaign.id}/${anomaly.rate}`);
      }
    }
    metrics.addMetric('CampaignAnomalies', MetricUnit.Count, alerted.length);
    logger.info('campaigns monitored', { alerted });
    return { alerted };
  }, observability);
};

export const handler = lazyHandler(() => createKpiMonitorHandler(process.env));
