import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/**
 * One Logger, Metrics and Tracer per function. Service name and namespace come from the POWERTOOLS_*
 * variables the CDK sets; the default here only names the function when they are absent (tests).
 */
export const createObservability = (serviceName: string): Observability => {
  const logger = new Logger({ serviceName });
  return {
    logger,
    // Metrics' own notices ("No application metrics to publish" when an invocation had nothing to
    // count) go through the function's Logger, so they are JSON lines at WARN that POWERTOOLS_LOG_LEVEL
    // governs like every other, instead of console lines nothing can turn down.
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MarketingPipeline', logger }),
    tracer: new Tracer({ serviceName }),
  };
};
