import { gunzipSync } from 'node:zlib';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { DynamoKpiStore } from '../../layers/adapters/dynamo-kpi-store';
import { parseDeliveryStatus } from '../../layers/core/kpis/delivery-status';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { DELIVERY_STATUS_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface DeliveryStatusOverrides {
  dynamo?: DynamoDBDocumentClient;
}

/**
 * SNS delivery status logs (SMS and mobile push, through CloudWatch Logs subscription filters) → the
 * funnel's `delivered` and `deliveryFailed`, once per message, in the cell it was sent in. Lines of
 * other senders' messages are skipped and counted; a failed write fails the invocation, which Lambda
 * retries and then parks in `DeliveryStatusDlq`. Nothing of the log line (it holds the phone number or
 * endpoint) is logged.
 */
export const createDeliveryStatusHandler = (env: Environment, overrides: DeliveryStatusOverrides = {}) => {
  const config = DELIVERY_STATUS_CONFIG.parse(env);
  const observability = createObservability('delivery-status');
  const { logger, metrics } = observability;
  const kpis = new DynamoKpiStore(overrides.dynamo ?? createAwsClients(observability.tracer).dynamo(), config.KPIS_TABLE_NAME);

  return withObservability(async (event: CloudWatchLogsEvent) => {
    const data = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchLogsDecodedData;
    const outcomes = { counted: 0, unknown: 0, 'seen-before': 0, unreadable: 0 };
    for (const { message } of data.logEvents ?? []) {
      const status = parseDeliveryStatus(message);
      if (!status) outcomes.unreadable++;
      else outcomes[await kpis.recordDeliveryStatus(status)]++;
    }
    metrics.addMetric('DeliveryStatusCounted', MetricUnit.Count, outcomes.counted);
    metrics.addMetric('DeliveryStatusUnknown', MetricUnit.Count, outcomes.unknown + outcomes.unreadable);
    logger.info('delivery statuses read', { logGroup: data.logGroup, ...outcomes });
    return outcomes;
  }, observability);
};

export const handler = lazyHandler(() => createDeliveryStatusHandler(process.env));
