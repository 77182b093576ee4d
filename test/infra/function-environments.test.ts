import { App } from 'aws-cdk-lib';
import { resolvePipelineConfig } from '../../infra/config';
import { FUNCTION_CONFIGS } from '../../layers/runtime/function-configs';
import { resourcesOfType, synthPipeline } from './synth-pipeline';

const { template } = synthPipeline();
const functions = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).map(([logicalId, resource]) => {
  const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return { logicalId, service: variables.POWERTOOLS_SERVICE_NAME as string | undefined, variables };
});

/** The template's environment as the function sees it at cold start: references become placeholders. */
const asDeployed = (variables: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : `resolved-${name}`]));

const POWERTOOLS = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS'];

describe('each function’s environment in the synthesized template', () => {
  const ours = functions.filter(({ service }) => service !== undefined);

  it('belongs to a function with a schema', () => {
    expect(ours.map(({ service }) => service).sort()).toEqual(Object.keys(FUNCTION_CONFIGS).sort());
  });

  it.each(ours.map((fn) => [fn.service!, fn] as const))('satisfies %s’s own schema, which its handler parses at cold start', (service, { variables }) => {
    // Prepare
    const config = FUNCTION_CONFIGS[service as keyof typeof FUNCTION_CONFIGS];
    const own = Object.fromEntries(Object.entries(asDeployed(variables)).filter(([name]) => !POWERTOOLS.includes(name)));

    // Act
    const problems = config.problems(own, () => false);

    // Assess
    expect(problems).toEqual([]);
    expect(() => config.parse(own)).not.toThrow();
  });
});

describe('synth and cold start refuse the same values', () => {
  it.each([
    ['pipeline:retrainingMetricTolerance', '2', 'RETRAINING_METRIC_TOLERANCE', 'retrain-model'],
    ['pipeline:campaignCacheTtlSeconds', '1.5', 'CAMPAIGN_CACHE_TTL_SECONDS', 'process-events'],
    ['pipeline:rfmCurrency', 'gbp', 'RFM_CURRENCY', 'nightly-profiles'],
  ] as const)('%s=%s fails synth, and %s=%s fails %s at cold start', (key, value, variable, service) => {
    // Act
    const synth = () => resolvePipelineConfig(new App({ context: { [key]: value } }));
    const coldStart = () => FUNCTION_CONFIGS[service].parse({ ...placeholdersFor(service), [variable]: value });

    // Assess
    expect(synth).toThrow(key);
    expect(coldStart).toThrow(variable);
  });
});

const placeholdersFor = (service: keyof typeof FUNCTION_CONFIGS): Record<string, string> => {
  const fn = functions.find((candidate) => candidate.service === service)!;
  return asDeployed(fn.variables);
};
