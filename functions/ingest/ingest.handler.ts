import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { KinesisEventSink } from '../../layers/adapters/kinesis-event-sink';
import { systemClock, type Clock } from '../../layers/core/clock';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { INGEST_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';
import { ingestRequest } from './ingest-request';

export interface IngestOverrides {
  kinesis?: KinesisClient;
  clock?: Clock;
}

/** `POST /v1/events`: validates each event and writes the valid ones to the events stream. */
export const createIngestHandler = (env: Environment, overrides: IngestOverrides = {}) => {
  const config = INGEST_CONFIG.parse(env);
  const observability = createObservability('ingest');
  const { logger, metrics } = observability;
  const sink = new KinesisEventSink(overrides.kinesis ?? createAwsClients(observability.tracer).kinesis(), config.EVENTS_STREAM_NAME);
  const clock = overrides.clock ?? systemClock;

  return withObservability(async (request: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const { response, accepted, rejected } = await ingestRequest(request, sink, clock());
    metrics.addMetric('EventsAccepted', MetricUnit.Count, accepted);
    metrics.addMetric('EventsRejected', MetricUnit.Count, rejected);
    // Counts and status only: the request body and source IP are personal data and never logged.
    logger.info('batch ingested', { statusCode: response.statusCode, accepted, rejected });
    return response;
  }, observability);
};

export const handler = lazyHandler(() => createIngestHandler(process.env));
