import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Observability } from './powertools';

/** Wraps a handler in the Powertools middlewares every function uses: tracing, context-aware logs, metrics. */
export const withObservability = <Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
  { logger, metrics, tracer }: Observability,
) =>
  middy(handler)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
