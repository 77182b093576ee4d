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
export const createObservability = (serviceName: string): Observability => ({
  logger: new Logger({ serviceName }),
  metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MarketingPipeline' }),
  tracer: new Tracer({ serviceName }),
});
