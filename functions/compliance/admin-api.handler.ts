import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoAuditTrail } from '../../layers/adapters/dynamo-audit-trail';
import { S3DataRequestFiles } from '../../layers/adapters/s3-data-request-files';
import { SfnDataRequests } from '../../layers/adapters/sfn-data-requests';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { systemClock, type Clock } from '../../layers/core/clock';
import type { DataRequests } from '../../layers/core/compliance/data-requests';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { ADMIN_API_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';
import { adminRequest } from './admin-request';

export interface AdminApiOverrides {
  dynamo?: DynamoDBDocumentClient;
  s3?: S3Client;
  /** The data-request workflow; default: executions of the DataRequest state machine, receipts from Reports. */
  dataRequests?: DataRequests;
  clock?: Clock;
}

/** The IAM-authorised admin routes: data-subject requests and audited profile reads. */
export const createAdminApiHandler = (env: Environment, overrides: AdminApiOverrides = {}) => {
  const config = ADMIN_API_CONFIG.parse(env);
  const observability = createObservability('admin-api');
  const { logger, metrics } = observability;
  const dynamo = overrides.dynamo ?? createAwsClients(observability.tracer).dynamo();
  const deps = {
    dataRequests:
      overrides.dataRequests ??
      new SfnDataRequests(observability.tracer.captureAWSv3Client(new SFNClient(awsClientConfig())), config.DATA_REQUESTS_STATE_MACHINE_ARN, new S3DataRequestFiles(overrides.s3 ?? createAwsClients(observability.tracer).s3(), config.REPORTS_BUCKET_NAME)),
    profiles: new DynamoProfileStore(dynamo, config.PROFILES_TABLE_NAME),
    audit: new DynamoAuditTrail(dynamo, config.AUDIT_TABLE_NAME, { retentionDays: config.AUDIT_RETENTION_DAYS }),
  };
  const clock = overrides.clock ?? systemClock;

  return withObservability(async (request: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const { response, route, audited } = await adminRequest(request, { ...deps, now: clock() });
    metrics.addMetric('AdminRequests', MetricUnit.Count, 1);
    if (audited) metrics.addMetric('AdminActionsAudited', MetricUnit.Count, 1);
    // Route and status only: the user id and the caller's ARN would sit together in one line.
    logger.info('admin request', { route, statusCode: response.statusCode, ...(audited && { audited }) });
    return response;
  }, observability);
};

export const handler = lazyHandler(() => createAdminApiHandler(process.env));
