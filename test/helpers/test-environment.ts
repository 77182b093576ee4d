/**
 * Handlers invoked in-process by the tests keep Powertools quiet: no EMF metrics on stdout, no X-Ray,
 * warnings and errors only. (The local stack sets the same for its console.)
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'MarketingPipelineTests';
