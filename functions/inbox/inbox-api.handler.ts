import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DynamoInbox } from '../../layers/adapters/dynamo-inbox';
import { KinesisEventSink } from '../../layers/adapters/kinesis-event-sink';
import { systemClock, type Clock } from '../../layers/core/clock';
import { acceptBatch } from '../../layers/core/contract/accept-batch';
import type { InboxDeps } from '../../layers/core/inbox/inbox-requests';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { INBOX_API_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { loggedError } from '../../layers/runtime/log-safe';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';
import { inboxRequest } from './inbox-request';

export interface InboxApiOverrides {
  dynamo?: DynamoDBDocumentClient;
  kinesis?: KinesisClient;
  clock?: Clock;
}

/** The app's inbox: a page of in-app messages and banners, and what the user did with one. */
export const createInboxApiHandler = (env: Environment, overrides: InboxApiOverrides = {}) => {
  const config = INBOX_API_CONFIG.parse(env);
  const observability = createObservability('inbox-api');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const sink = new KinesisEventSink(overrides.kinesis ?? clients.kinesis(), config.EVENTS_STREAM_NAME);
  const clock = overrides.clock ?? systemClock;
  const deps: InboxDeps = {
    inbox: new DynamoInbox(overrides.dynamo ?? clients.dynamo(), config.INBOX_TABLE_NAME),
    // The events this function makes are valid by construction; acceptBatch adds what ingest adds.
    emit: async (events) => sink.put(acceptBatch(events, { receivedAt: clock() }).records),
    clock,
  };

  return withObservability(async (request: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const { response, route, failure } = await inboxRequest(request, deps, config.INBOX_ALLOWED_ORIGIN).catch((error: unknown) => {
      logger.error('inbox request failed', loggedError(error));
      throw error;
    });
    if (failure) logger.warn('inbox request failed', { route, statusCode: response.statusCode, ...loggedError(failure) });
    metrics.addMetric(route === 'page' ? 'InboxReads' : 'InboxActions', MetricUnit.Count, 1);
    // Route and status only: the user id and message ids stay out of the logs.
    logger.info('inbox request', { route, statusCode: response.statusCode });
    return response;
  }, observability);
};

export const handler = lazyHandler(() => createInboxApiHandler(process.env));
