import { App, Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
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
    expect(config).toMatchObject({ rfmCurrency: 'GBP', scoringScheduleHour: 2 });
    expect(config.scoringScheduleTimeZone.timezoneName).toBe('UTC');
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
      'pipeline:rfmCurrency': 'EUR',
      'pipeline:scoringScheduleTimeZone': 'Europe/London',
      'pipeline:scoringScheduleHour': '0',
      'pipeline:campaignCacheTtlSeconds': '0',
      'pipeline:timerLagAlarmThresholdMinutes': '10',
      'pipeline:quietHours': '21:30-07:00',
      'pipeline:defaultTimeZone': 'Europe/Paris',
      'pipeline:pushRatePerSecond': '250',
      'pipeline:smsRatePerSecond': '10',
      'pipeline:pushCapPer24h': '5',
      'pipeline:marketingCapPer24h': '2',
      'pipeline:smsCapPer24h': '0',
      'pipeline:holdoutShare': '0.05',
      'pipeline:kpiTimeZone': 'Asia/Shanghai',
      'pipeline:reviewHour': '8',
      'pipeline:measurementCosts': '{"currency":"CNY","smsPrice":{"CN":0.05},"commissionRate":0.05}',
      'pipeline:reviewEmails': 'growth@example.com, ceo@example.com',
      'pipeline:archiveRetentionDays': '365',
      'pipeline:trackingConsent': 'opt-out',
      'pipeline:trackingConsentByRegion': '{"EU":"opt-in"}',
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
      rfmCurrency: 'EUR',
      scoringScheduleHour: 0,
      reviewHour: 8,
      measurementCosts: '{"currency":"CNY","smsPrice":{"CN":0.05},"commissionRate":0.05}',
      reviewEmails: ['growth@example.com', 'ceo@example.com'],
      archiveRetentionDays: 365,
      trackingConsent: 'opt-out',
      trackingConsentByRegion: { EU: 'opt-in' },
    });
    expect(config.kpiTimeZone.timezoneName).toBe('Asia/Shanghai');
    expect(config.scoringScheduleTimeZone.timezoneName).toBe('Europe/London');
    expect(config.streamRetention.toHours()).toBe(48);
    expect(config.iteratorAgeAlarmThreshold.toSeconds()).toBe(300);
    expect(config.campaignCacheTtlSeconds).toBe(0);
    expect(config.timerLagAlarmThreshold.toMinutes()).toBe(10);
    expect(config.deliverySettings).toEqual({
      QUIET_HOURS: '21:30-07:00',
      DEFAULT_TIME_ZONE: 'Europe/Paris',
      PUSH_RATE_PER_SECOND: '250',
      SMS_RATE_PER_SECOND: '10',
      PUSH_CAP_PER_24H: '5',
      MARKETING_CAP_PER_24H: '2',
      SMS_CAP_PER_24H: '0',
      IN_APP_CAP_PER_24H: '3',
      HOLDOUT_SHARE: '0.05',
      MINIMUM_MARKETING_AGE: '18',
    });
  });

  it('reads the push applications whose delivery status counts, and refuses a malformed one', () => {
    const good = new App({ context: { 'pipeline:pushPlatformApplications': 'GCM/shop-app, APNS/shop-app', 'pipeline:deliveryStatusLogGroups': 'existing' } });
    expect(resolvePipelineConfig(good)).toMatchObject({ pushPlatformApplications: ['GCM/shop-app', 'APNS/shop-app'], deliveryStatusLogGroups: 'existing' });
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:pushPlatformApplications': 'shop-app' } }))).toThrow(/pipeline:pushPlatformApplications/);
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:deliveryStatusLogGroups': 'maybe' } }))).toThrow(/pipeline:deliveryStatusLogGroups/);
  });

  it('defaults tracking to opt-in, reads the per-region map as an object too, and refuses a bad rule naming the key', () => {
    expect(resolvePipelineConfig(new App())).toMatchObject({ trackingConsent: 'opt-in', trackingConsentByRegion: {} });
    expect(resolvePipelineConfig(new App({ context: { 'pipeline:trackingConsentByRegion': { US: 'opt-out' } } }))).toMatchObject({ trackingConsentByRegion: { US: 'opt-out' } });
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:trackingConsent': 'maybe' } }))).toThrow(/pipeline:trackingConsent.*opt-in or opt-out/);
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:trackingConsentByRegion': { EU: 'yes' } } }))).toThrow(/pipeline:trackingConsentByRegion/);
  });

  it('reads the compliance settings (retentions, erasure sweep, stage, keys), and refuses what SQS or a stage name cannot be', () => {
    expect(resolvePipelineConfig(new App())).toMatchObject({ deadLetterRetentionDays: 14, exportRetentionDays: 30, auditRetentionDays: 400, erasureSecondSweepMinutes: 60, stage: 'dev', customerManagedKeys: false });
    const set = { 'pipeline:deadLetterRetentionDays': '7', 'pipeline:exportRetentionDays': 10, 'pipeline:auditRetentionDays': '800', 'pipeline:erasureSecondSweepMinutes': '15', 'pipeline:stage': 'prod' };
    expect(resolvePipelineConfig(new App({ context: set }))).toMatchObject({ deadLetterRetentionDays: 7, exportRetentionDays: 10, auditRetentionDays: 800, erasureSecondSweepMinutes: 15, stage: 'prod', customerManagedKeys: true });
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:deadLetterRetentionDays': '30' } }))).toThrow(/pipeline:deadLetterRetentionDays.*1 to 14/);
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:stage': 'Prod!' } }))).toThrow(/pipeline:stage/);
    expect(() => resolvePipelineConfig(new App({ context: { 'pipeline:customerManagedKeys': 'maybe' } }))).toThrow(/pipeline:customerManagedKeys/);
  });

  it('refuses cost settings the daily review could not read, naming the key', () => {
    const app = new App({ context: { 'pipeline:measurementCosts': '{"commissionRate": 3}' } });
    expect(() => resolvePipelineConfig(app)).toThrow(/pipeline:measurementCosts.*commissionRate/);
  });

  it('reads the retraining settings, and Personalize only as all four ARNs', () => {
    // Prepare
    const arns = {
      'pipeline:personalizeDatasetArn': 'arn:aws:personalize:eu-west-1:123456789012:dataset/shop/INTERACTIONS',
      'pipeline:personalizeSolutionArn': 'arn:aws:personalize:eu-west-1:123456789012:solution/related-items',
      'pipeline:personalizeCampaignArn': 'arn:aws:personalize:eu-west-1:123456789012:campaign/related-items',
      'pipeline:personalizeRoleArn': 'arn:aws:iam::123456789012:role/personalize-reads-models',
    };
    const app = appWith({ ...arns, 'pipeline:retrainingScheduleHour': '4', 'pipeline:retrainingMinNewInteractions': '500', 'pipeline:retrainingMetricTolerance': '0.01' });

    // Act
    const config = resolvePipelineConfig(app);
    const partial = () => resolvePipelineConfig(appWith({ 'pipeline:personalizeCampaignArn': arns['pipeline:personalizeCampaignArn'] }));

    // Assess
    expect(config).toMatchObject({ retrainingScheduleHour: 4, retrainingMinNewInteractions: 500, retrainingMetricTolerance: 0.01 });
    expect(config.personalize).toEqual({
      datasetArn: arns['pipeline:personalizeDatasetArn'],
      solutionArn: arns['pipeline:personalizeSolutionArn'],
      campaignArn: arns['pipeline:personalizeCampaignArn'],
      roleArn: arns['pipeline:personalizeRoleArn'],
    });
    expect(DEFAULT_PIPELINE_CONFIG.personalize).toBeUndefined();
    expect(partial).toThrow(/pipeline:personalizeDatasetArn.*Personalize needs all four/);
  });

  it('keeps the delivery defaults for settings props and context leave out', () => {
    // Prepare
    const app = appWith({ 'pipeline:pushCapPer24h': 4 });

    // Act
    const config = resolvePipelineConfig(app, { deliverySettings: { QUIET_HOURS: '23:00-07:00' } });

    // Assess
    expect(config.deliverySettings).toEqual({ ...DEFAULT_PIPELINE_CONFIG.deliverySettings, PUSH_CAP_PER_24H: '4', QUIET_HOURS: '23:00-07:00' });
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

  it('accepts the schedule hour as a number, as cdk.json gives it', () => {
    // Prepare
    const app = appWith({ 'pipeline:scoringScheduleHour': 23 });

    // Act
    const config = resolvePipelineConfig(app);

    // Assess
    expect(config.scoringScheduleHour).toBe(23);
  });

  it.each([
    ['utc', 'UTC'],
    ['america/new_york', 'America/New_York'],
  ])('spells the time zone %s as the time zone database does: %s', (value, canonical) => {
    // Prepare
    const app = appWith({ 'pipeline:scoringScheduleTimeZone': value });

    // Act
    const config = resolvePipelineConfig(app);

    // Assess
    expect(config.scoringScheduleTimeZone.timezoneName).toBe(canonical);
  });

  it('lets props set the scoring schedule', () => {
    // Prepare
    const app = appWith({ 'pipeline:scoringScheduleHour': '3' });

    // Act
    const config = resolvePipelineConfig(app, { scoringScheduleHour: 1, scoringScheduleTimeZone: TimeZone.EUROPE_LONDON });

    // Assess
    expect(config.scoringScheduleHour).toBe(1);
    expect(config.scoringScheduleTimeZone.timezoneName).toBe('Europe/London');
  });

  it.each([
    ['pipeline:shardCount', '0'],
    ['pipeline:shardCount', 'two'],
    ['pipeline:streamRetentionHours', '12'],
    ['pipeline:logRetentionDays', '10'],
    ['pipeline:removalPolicy', 'snapshot'],
    ['pipeline:manageApiGatewayAccountRole', 'yes'],
    ['pipeline:rfmCurrency', 'gbp'],
    ['pipeline:rfmCurrency', 'GBPX'],
    ['pipeline:rfmCurrency', '£'],
    ['pipeline:rfmCurrency', 826],
    ['pipeline:scoringScheduleTimeZone', 'Europe/Londn'],
    ['pipeline:scoringScheduleTimeZone', '+01:00'],
    ['pipeline:scoringScheduleTimeZone', 'GMT+1'],
    ['pipeline:scoringScheduleTimeZone', ''],
    ['pipeline:scoringScheduleHour', '24'],
    ['pipeline:scoringScheduleHour', '-1'],
    ['pipeline:scoringScheduleHour', '2.5'],
    ['pipeline:scoringScheduleHour', ''],
    ['pipeline:scoringScheduleHour', '2am'],
    ['pipeline:scoringScheduleHour', 24],
    ['pipeline:campaignCacheTtlSeconds', '-1'],
    ['pipeline:campaignCacheTtlSeconds', '1.5'],
    ['pipeline:campaignCacheTtlSeconds', '7200'],
    ['pipeline:rfmCurrency', 'gbp'],
    ['pipeline:timerLagAlarmThresholdMinutes', '0'],
    ['pipeline:quietHours', '22-08'],
    ['pipeline:defaultTimeZone', 'Mars/Olympus'],
    ['pipeline:pushRatePerSecond', '0'],
    ['pipeline:smsRatePerSecond', 'fast'],
    ['pipeline:marketingCapPer24h', '-1'],
    ['pipeline:retrainingScheduleHour', '25'],
    ['pipeline:retrainingMinNewInteractions', 'many'],
    ['pipeline:retrainingMetricTolerance', '2'],
    ['pipeline:retrainingScheduleTimeZone', 'Nowhere/City'],
    ['pipeline:recommendationBlend', 'cf=1'],
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
