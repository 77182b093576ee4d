import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_PIPELINE_CONFIG, PipelineConfigError, resolvePipelineConfig } from '../../infra/config';

const appWith = (context: Record<string, unknown> = {}) => new App({ context });

describe('resolvePipelineConfig', () => {
  it('uses the defaults when no context is set', () => {
    // Prepare
    const app = appWith();

    // Act
    const config = resolvePipelineConfig(app);

    // Assess
    expect(config).toEqual(DEFAULT_PIPELINE_CONFIG);
    expect(config.removalPolicy).toBe(RemovalPolicy.RETAIN);
  });

  it('parses the string values the CLI passes with -c', () => {
    // Prepare
    const app = appWith({
      'pipeline:shardCount': '4',
      'pipeline:streamRetentionHours': '48',
      'pipeline:apiThrottleRateLimit': '500',
      'pipeline:apiThrottleBurstLimit': '1000',
      'pipeline:logRetentionDays': '7',
      'pipeline:removalPolicy': 'destroy',
      'pipeline:iteratorAgeAlarmThresholdSeconds': '300',
      'pipeline:manageApiGatewayAccountRole': 'false',
    });

    // Act
    const config = resolvePipelineConfig(app);

    // Assess
    expect(config).toMatchObject({
      shardCount: 4,
      apiThrottleRateLimit: 500,
      apiThrottleBurstLimit: 1000,
      logRetention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
      manageApiGatewayAccountRole: false,
    });
    expect(config.streamRetention.toHours()).toBe(48);
    expect(config.iteratorAgeAlarmThreshold.toSeconds()).toBe(300);
  });

  it('lets props win over context', () => {
    // Prepare
    const app = appWith({ 'pipeline:shardCount': 4 });

    // Act
    const config = resolvePipelineConfig(app, { shardCount: 2, iteratorAgeAlarmThreshold: Duration.seconds(30) });

    // Assess
    expect(config.shardCount).toBe(2);
    expect(config.iteratorAgeAlarmThreshold.toSeconds()).toBe(30);
  });

  it.each([
    ['pipeline:shardCount', '0'],
    ['pipeline:shardCount', 'two'],
    ['pipeline:streamRetentionHours', '12'],
    ['pipeline:logRetentionDays', '10'],
    ['pipeline:removalPolicy', 'snapshot'],
    ['pipeline:manageApiGatewayAccountRole', 'yes'],
  ])('fails on %s=%s, naming the key', (key, value) => {
    // Prepare
    const app = appWith({ [key]: value });

    // Act
    const resolve = () => resolvePipelineConfig(app);

    // Assess
    expect(resolve).toThrow(PipelineConfigError);
    expect(resolve).toThrow(key);
  });
});
