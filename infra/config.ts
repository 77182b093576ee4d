import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { canonicalTimeZone } from '../layers/core/time-zone';
import { DEFAULT_DELIVERY_SETTINGS, DeliveryConfigInvalidError, readDeliveryPolicy } from '../layers/core/messaging/delivery-policy';
import type { Variable } from '../layers/runtime/config';
import { DAILY_REVIEW_CONFIG, DEFAULT_CAMPAIGN_CACHE_TTL_SECONDS, DELIVER_CONFIG, INBOX_API_CONFIG, INBOX_AUTHORIZER_CONFIG, NIGHTLY_PROFILES_CONFIG, PROCESS_EVENTS_CONFIG, RETRAIN_MODEL_CONFIG } from '../layers/runtime/function-configs';
import { DEFAULT_COSTS } from '../layers/core/kpis/costs';
import type { TrackingDefault } from '../layers/core/consent/tracking-policy';
import { DEFAULT_AUDIT_RETENTION_DAYS } from '../layers/core/audit/audit-keys';

/**
 * Deployment-time settings of the pipeline. Every field has a default suited to a small production
 * deployment; each can be changed with CDK context (`-c pipeline:shardCount=4`, or `cdk.json`) or, in
 * code and tests, with the stack's `config` prop, which wins over context.
 */
export interface PipelineConfig {
  /** Shards of the provisioned `Events` stream. One shard takes 1,000 records/s or 1 MiB/s. */
  readonly shardCount: number;
  /** How long the stream keeps records; also the window in which a failed batch can be replayed. */
  readonly streamRetention: Duration;
  /** Steady-state requests per second allowed per API key (usage plan); excess gets 429. */
  readonly apiThrottleRateLimit: number;
  /** Burst of requests allowed per API key above the steady rate (usage plan). */
  readonly apiThrottleBurstLimit: number;
  /** Retention of every log group the stack creates (function logs, API access logs). */
  readonly logRetention: RetentionDays;
  /** What happens to the tables, the stream and the log groups when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** The process-events iterator age above which the pipeline is considered to be falling behind. */
  readonly iteratorAgeAlarmThreshold: Duration;
  /**
   * Whether this stack sets the region-wide API Gateway CloudWatch role (`AWS::ApiGateway::Account`),
   * which stage execution logging needs. Turn it off when the account already manages that setting
   * elsewhere: there is only one per account and region, and the last stack to set it wins.
   */
  readonly manageApiGatewayAccountRole: boolean;
  /**
   * ISO 4217 code of the currency RFM's monetary score is measured in (`RFM_CURRENCY` of
   * nightly-profiles): spend in other currencies does not count toward it.
   */
  readonly rfmCurrency: string;
  /**
   * IANA time zone (`Europe/London`, `America/New_York`, `UTC`) the nightly rescoring schedule is
   * evaluated in; daylight saving time is followed. An hour that a spring-forward change skips in
   * that zone is skipped that night (EventBridge Scheduler does not move it).
   */
  readonly scoringScheduleTimeZone: TimeZone;
  /** Hour of the day (0–23, in {@link scoringScheduleTimeZone}) at which the nightly rescoring starts, on the hour. */
  readonly scoringScheduleHour: number;
  /**
   * The rules deliver applies to every campaign, as its environment variables (`QUIET_HOURS`,
   * `DEFAULT_TIME_ZONE`, `PUSH_RATE_PER_SECOND`, `SMS_RATE_PER_SECOND`, `PUSH_CAP_PER_24H`,
   * `MARKETING_CAP_PER_24H`, `SMS_CAP_PER_24H`, `IN_APP_CAP_PER_24H`; see docs/delivery.md). Validated at synth by the same
   * code deliver reads them with, so a bad value fails `cdk synth`, not the first cold start.
   */
  readonly deliverySettings: Readonly<Partial<Record<DeliverySetting, string>>>;
  /** How long functions serve the campaigns they read before reading the `Campaigns` table again. */
  readonly campaignCacheTtlSeconds: number;
  /** The team's reporting time zone: the daily review's days and schedule (`KPI_TIME_ZONE`). */
  readonly kpiTimeZone: TimeZone;
  /** Hour of the day (0–23, in {@link kpiTimeZone}) the daily review is written and sent. */
  readonly reviewHour: number;
  /** What messaging costs, as JSON (`KPI_COSTS`, docs/measurement.md): SMS by country, push, coupons, commission. */
  readonly measurementCosts: string;
  /**
   * Whether behaviour events of a user without a tracking statement are kept (`TRACKING_CONSENT` of
   * process-events): `opt-in` (the default, safe under GDPR and PIPL: nothing before a grant) or `opt-out`.
   */
  readonly trackingConsent: TrackingDefault;
  /** The rule per value of the user's `region` trait, overriding {@link trackingConsent} there, e.g. `{ EU: 'opt-in', US: 'opt-out' }`. */
  readonly trackingConsentByRegion: Readonly<Record<string, TrackingDefault>>;
  /** Days the events archive and the decisions export are kept in the `Models` bucket (S3 lifecycle). */
  readonly archiveRetentionDays: number;
  /**
   * Minutes an erasure waits before it sweeps every store a second time, for the user's events that
   * were still in the stream or a Firehose buffer during the first sweep (both drain within minutes).
   */
  readonly erasureSecondSweepMinutes: number;
  /** Segments of a broadcast's parallel scan of Profiles: workers of its Distributed Maps (docs/broadcasts.md). */
  readonly broadcastScanSegments: number;
  /** Workers of one broadcast Distributed Map at once. */
  readonly broadcastMaxConcurrency: number;
  /** Days an entry of the audit trail is kept (its TTL): the last quarter's audit plus a year by default. */
  readonly auditRetentionDays: number;
  /** Days the dead-letter queues keep a message (SQS allows 1 to 14). */
  readonly deadLetterRetentionDays: number;
  /** Days a data-subject export document stays in the `Reports` bucket (`exports/`, S3 lifecycle). */
  readonly exportRetentionDays: number;
  /** The deployment's stage (`dev`, `staging`, `prod`…): `prod` turns {@link customerManagedKeys} on by default. */
  readonly stage: string;
  /**
   * Whether the tables, the stream, the queues, the topics and the buckets are encrypted with the
   * stack's customer-managed `DataKey` (rotation on) instead of AWS-managed or service keys: a key the
   * account's administrators control, audit in CloudTrail and can revoke. On by default for `prod`.
   */
  readonly customerManagedKeys: boolean;
  /** Email addresses subscribed to the `Reviews` topic (each confirms by email). */
  readonly reviewEmails: readonly string[];
  /**
   * Whether the stack creates the log groups SNS writes delivery status to (`create`), or subscribes to
   * ones SNS already made (`existing`: SNS creates them on its first log, and a name cannot be created twice).
   */
  readonly deliveryStatusLogGroups: 'create' | 'existing';
  /** Platform applications (`GCM/shop-app`, `APNS/shop-app`) whose push delivery status is counted as `delivered`. */
  readonly pushPlatformApplications: readonly string[];
  /** How late the oldest due timer may be (sweep-timers' `OldestTimerDueLag`) before the alarm goes off. */
  readonly timerLagAlarmThreshold: Duration;
  /** IANA time zone the nightly retraining schedule is evaluated in. */
  readonly retrainingScheduleTimeZone: TimeZone;
  /** Hour of the day (0–23) the nightly retraining starts. */
  readonly retrainingScheduleHour: number;
  /** New interactions since the last training below which a night is skipped. */
  readonly retrainingMinNewInteractions: number;
  /** How much worse (absolute, on the promotion metric) a retrained model may be and still be promoted. */
  readonly retrainingMetricTolerance: number;
  /** The Personalize resources retraining updates; unset = the built-in model only. All four or none. */
  readonly personalize?: { readonly datasetArn: string; readonly solutionArn: string; readonly campaignArn: string; readonly roleArn: string };
  /** `RECOMMENDATION_BLEND` of deliver (`collaborative=0.4,content=0.3,popularity=0.3`); unset = the model's default. */
  readonly recommendationBlend?: string;
  /** The Personalize event tracker process-events sends interactions to as they happen (PutEvents); both or neither. */
  readonly personalizeEvents?: { readonly trackingId: string; readonly eventTrackerArn: string };
  /** The origin browsers may call the inbox API from (CORS); `*` by default: the token is a header, never a cookie. */
  readonly inboxAllowedOrigin: string;
  /** The team's OIDC issuer (e.g. a Cognito user pool) whose JWTs prove a user to the inbox API; unset: user hashes only. */
  readonly inboxJwtIssuer?: string;
  /** The `aud` those JWTs must carry (the app client id). */
  readonly inboxJwtAudience?: string;
  /** The JWT claim holding the app's user id; `sub` by default. */
  readonly inboxJwtUserClaim?: string;
}

/** The environment variables of deliver's delivery policy, each set from one context key. */
export const DELIVERY_CONTEXT_KEYS = {
  QUIET_HOURS: 'pipeline:quietHours',
  DEFAULT_TIME_ZONE: 'pipeline:defaultTimeZone',
  PUSH_RATE_PER_SECOND: 'pipeline:pushRatePerSecond',
  SMS_RATE_PER_SECOND: 'pipeline:smsRatePerSecond',
  PUSH_CAP_PER_24H: 'pipeline:pushCapPer24h',
  MARKETING_CAP_PER_24H: 'pipeline:marketingCapPer24h',
  SMS_CAP_PER_24H: 'pipeline:smsCapPer24h',
  IN_APP_CAP_PER_24H: 'pipeline:inAppCapPer24h',
  HOLDOUT_SHARE: 'pipeline:holdoutShare',
  MINIMUM_MARKETING_AGE: 'pipeline:minimumMarketingAge',
} as const;

/** One of deliver's delivery-policy variables. */
export type DeliverySetting = keyof typeof DELIVERY_CONTEXT_KEYS;

/** The defaults used when neither context nor props set a value. */
export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = {
  shardCount: 1,
  streamRetention: Duration.hours(24),
  // A typical app batch is tens of events, so 50 requests/s per key stays well under one shard's
  // 1,000 records/s; raise it together with shardCount.
  apiThrottleRateLimit: 50,
  apiThrottleBurstLimit: 100,
  logRetention: RetentionDays.ONE_MONTH,
  removalPolicy: RemovalPolicy.RETAIN,
  iteratorAgeAlarmThreshold: Duration.minutes(1),
  manageApiGatewayAccountRole: true,
  rfmCurrency: 'GBP',
  scoringScheduleTimeZone: TimeZone.of('UTC'),
  // Before the morning's traffic, so fewer of the rescoring's conditional writes meet a concurrent fold.
  scoringScheduleHour: 2,
  // Written out so the deployed function shows the values in force; DEFAULT_TIME_ZONE has none.
  deliverySettings: Object.fromEntries(Object.entries(DEFAULT_DELIVERY_SETTINGS).map(([name, value]) => [name, String(value)])),
  campaignCacheTtlSeconds: DEFAULT_CAMPAIGN_CACHE_TTL_SECONDS,
  kpiTimeZone: TimeZone.of('UTC'),
  reviewHour: 9,
  measurementCosts: JSON.stringify(DEFAULT_COSTS),
  reviewEmails: [],
  archiveRetentionDays: 730,
  erasureSecondSweepMinutes: 60,
  broadcastScanSegments: 64,
  broadcastMaxConcurrency: 64,
  auditRetentionDays: DEFAULT_AUDIT_RETENTION_DAYS,
  deadLetterRetentionDays: 14,
  exportRetentionDays: 30,
  stage: 'dev',
  customerManagedKeys: false,
  inboxAllowedOrigin: '*',
  trackingConsent: 'opt-in',
  trackingConsentByRegion: {},
  deliveryStatusLogGroups: 'create',
  pushPlatformApplications: [],
  // Five sweeps missed or a backlog five minutes deep: customers get "24 h later" messages late.
  timerLagAlarmThreshold: Duration.minutes(5),
  retrainingScheduleTimeZone: TimeZone.of('UTC'),
  // After the nightly rescoring (02:00), before the morning's traffic.
  retrainingScheduleHour: 3,
  retrainingMinNewInteractions: 1000,
  retrainingMetricTolerance: 0,
};

/** The context keys read by {@link resolvePipelineConfig}, one per {@link PipelineConfig} field. */
export const PIPELINE_CONTEXT_KEYS = {
  shardCount: 'pipeline:shardCount',
  streamRetentionHours: 'pipeline:streamRetentionHours',
  apiThrottleRateLimit: 'pipeline:apiThrottleRateLimit',
  apiThrottleBurstLimit: 'pipeline:apiThrottleBurstLimit',
  logRetentionDays: 'pipeline:logRetentionDays',
  removalPolicy: 'pipeline:removalPolicy',
  iteratorAgeAlarmThresholdSeconds: 'pipeline:iteratorAgeAlarmThresholdSeconds',
  manageApiGatewayAccountRole: 'pipeline:manageApiGatewayAccountRole',
  rfmCurrency: 'pipeline:rfmCurrency',
  scoringScheduleTimeZone: 'pipeline:scoringScheduleTimeZone',
  scoringScheduleHour: 'pipeline:scoringScheduleHour',
  campaignCacheTtlSeconds: 'pipeline:campaignCacheTtlSeconds',
  kpiTimeZone: 'pipeline:kpiTimeZone',
  reviewHour: 'pipeline:reviewHour',
  measurementCosts: 'pipeline:measurementCosts',
  reviewEmails: 'pipeline:reviewEmails',
  archiveRetentionDays: 'pipeline:archiveRetentionDays',
  erasureSecondSweepMinutes: 'pipeline:erasureSecondSweepMinutes',
  broadcastScanSegments: 'pipeline:broadcastScanSegments',
  broadcastMaxConcurrency: 'pipeline:broadcastMaxConcurrency',
  auditRetentionDays: 'pipeline:auditRetentionDays',
  deadLetterRetentionDays: 'pipeline:deadLetterRetentionDays',
  exportRetentionDays: 'pipeline:exportRetentionDays',
  stage: 'pipeline:stage',
  customerManagedKeys: 'pipeline:customerManagedKeys',
  trackingConsent: 'pipeline:trackingConsent',
  trackingConsentByRegion: 'pipeline:trackingConsentByRegion',
  deliveryStatusLogGroups: 'pipeline:deliveryStatusLogGroups',
  pushPlatformApplications: 'pipeline:pushPlatformApplications',
  timerLagAlarmThresholdMinutes: 'pipeline:timerLagAlarmThresholdMinutes',
  retrainingScheduleTimeZone: 'pipeline:retrainingScheduleTimeZone',
  retrainingScheduleHour: 'pipeline:retrainingScheduleHour',
  retrainingMinNewInteractions: 'pipeline:retrainingMinNewInteractions',
  retrainingMetricTolerance: 'pipeline:retrainingMetricTolerance',
  personalizeDatasetArn: 'pipeline:personalizeDatasetArn',
  personalizeSolutionArn: 'pipeline:personalizeSolutionArn',
  personalizeCampaignArn: 'pipeline:personalizeCampaignArn',
  personalizeRoleArn: 'pipeline:personalizeRoleArn',
  recommendationBlend: 'pipeline:recommendationBlend',
  personalizeTrackingId: 'pipeline:personalizeTrackingId',
  personalizeEventTrackerArn: 'pipeline:personalizeEventTrackerArn',
  inboxAllowedOrigin: 'pipeline:inboxAllowedOrigin',
  inboxJwtIssuer: 'pipeline:inboxJwtIssuer',
  inboxJwtAudience: 'pipeline:inboxJwtAudience',
  inboxJwtUserClaim: 'pipeline:inboxJwtUserClaim',
  ...DELIVERY_CONTEXT_KEYS,
} as const;

/** A context value is not usable for the setting it configures. */
export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
  constructor(
    readonly key: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`context ${key}=${JSON.stringify(value)} is invalid: expected ${expected}`);
  }
}

/**
 * The one place that reads pipeline context: defaults, overridden by context found from `scope`,
 * overridden by `overrides`. Context from the CLI arrives as strings, so numbers and booleans are
 * parsed, and an unusable value fails the synth with the key's name rather than being ignored.
 */
export const resolvePipelineConfig = (scope: IConstruct, overrides: Partial<PipelineConfig> = {}): PipelineConfig => {
  const read = (key: string): unknown => scope.node.tryGetContext(key);
  const keys = PIPELINE_CONTEXT_KEYS;
  const fromContext: Partial<PipelineConfig> = withoutUndefined({
    shardCount: optional(read(keys.shardCount), (v) => positiveInteger(keys.shardCount, v)),
    streamRetention: optional(read(keys.streamRetentionHours), (v) => Duration.hours(streamHours(keys.streamRetentionHours, v))),
    apiThrottleRateLimit: optional(read(keys.apiThrottleRateLimit), (v) => positiveInteger(keys.apiThrottleRateLimit, v)),
    apiThrottleBurstLimit: optional(read(keys.apiThrottleBurstLimit), (v) => positiveInteger(keys.apiThrottleBurstLimit, v)),
    logRetention: optional(read(keys.logRetentionDays), (v) => retentionDays(keys.logRetentionDays, v)),
    removalPolicy: optional(read(keys.removalPolicy), (v) => removalPolicy(keys.removalPolicy, v)),
    iteratorAgeAlarmThreshold: optional(read(keys.iteratorAgeAlarmThresholdSeconds), (v) =>
      Duration.seconds(positiveInteger(keys.iteratorAgeAlarmThresholdSeconds, v)),
    ),
    manageApiGatewayAccountRole: optional(read(keys.manageApiGatewayAccountRole), (v) => boolean(keys.manageApiGatewayAccountRole, v)),
    rfmCurrency: optional(read(keys.rfmCurrency), (v) => asVariable(keys.rfmCurrency, NIGHTLY_PROFILES_CONFIG.schema.RFM_CURRENCY, v)),
    scoringScheduleTimeZone: optional(read(keys.scoringScheduleTimeZone), (v) => ianaTimeZone(keys.scoringScheduleTimeZone, v)),
    scoringScheduleHour: optional(read(keys.scoringScheduleHour), (v) => hourOfDay(keys.scoringScheduleHour, v)),
    campaignCacheTtlSeconds: optional(read(keys.campaignCacheTtlSeconds), (v) => asVariable(keys.campaignCacheTtlSeconds, PROCESS_EVENTS_CONFIG.schema.CAMPAIGN_CACHE_TTL_SECONDS, v)),
    kpiTimeZone: optional(read(keys.kpiTimeZone), (v) => ianaTimeZone(keys.kpiTimeZone, v)),
    reviewHour: optional(read(keys.reviewHour), (v) => hourOfDay(keys.reviewHour, v)),
    measurementCosts: optional(read(keys.measurementCosts), (v) => {
      const json = typeof v === 'string' ? v : JSON.stringify(v);
      asVariable(keys.measurementCosts, DAILY_REVIEW_CONFIG.schema.KPI_COSTS, json);
      return json;
    }),
    reviewEmails: optional(read(keys.reviewEmails), (v) => (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((e) => e.trim()).filter(Boolean)),
    archiveRetentionDays: optional(read(keys.archiveRetentionDays), (v) => positiveInteger(keys.archiveRetentionDays, v)),
    erasureSecondSweepMinutes: optional(read(keys.erasureSecondSweepMinutes), (v) => positiveInteger(keys.erasureSecondSweepMinutes, v)),
    broadcastScanSegments: optional(read(keys.broadcastScanSegments), (v) => positiveInteger(keys.broadcastScanSegments, v)),
    broadcastMaxConcurrency: optional(read(keys.broadcastMaxConcurrency), (v) => positiveInteger(keys.broadcastMaxConcurrency, v)),
    auditRetentionDays: optional(read(keys.auditRetentionDays), (v) => positiveInteger(keys.auditRetentionDays, v)),
    deadLetterRetentionDays: optional(read(keys.deadLetterRetentionDays), (v) => {
      const days = positiveInteger(keys.deadLetterRetentionDays, v);
      if (days > 14) throw new PipelineConfigError(keys.deadLetterRetentionDays, v, 'a whole number of days from 1 to 14 (SQS keeps a message at most 14 days)');
      return days;
    }),
    exportRetentionDays: optional(read(keys.exportRetentionDays), (v) => positiveInteger(keys.exportRetentionDays, v)),
    stage: optional(read(keys.stage), (v) => {
      if (typeof v !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(v)) throw new PipelineConfigError(keys.stage, v, 'a stage name of lowercase letters, digits and hyphens, e.g. "prod"');
      return v;
    }),
    customerManagedKeys: optional(read(keys.customerManagedKeys), (v) => boolean(keys.customerManagedKeys, v)),
    trackingConsent: optional(read(keys.trackingConsent), (v) => asVariable(keys.trackingConsent, PROCESS_EVENTS_CONFIG.schema.TRACKING_CONSENT, v)),
    // An object in cdk.json, a JSON string with -c.
    trackingConsentByRegion: optional(read(keys.trackingConsentByRegion), (v) =>
      asVariable(keys.trackingConsentByRegion, PROCESS_EVENTS_CONFIG.schema.TRACKING_CONSENT_BY_REGION, typeof v === 'string' ? v : JSON.stringify(v)),
    ),
    deliveryStatusLogGroups: optional(read(keys.deliveryStatusLogGroups), (v) => {
      if (v !== 'create' && v !== 'existing') throw new PipelineConfigError(keys.deliveryStatusLogGroups, v, '"create" or "existing"');
      return v;
    }),
    pushPlatformApplications: optional(read(keys.pushPlatformApplications), (v) =>
      (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((app) => app.trim()).filter(Boolean).map((app) => {
        if (!/^(GCM|APNS|APNS_SANDBOX|ADM|BAIDU|WNS|MPNS)\/[\w.-]+$/.test(app)) throw new PipelineConfigError(keys.pushPlatformApplications, v, 'platform applications as <platform>/<name>, e.g. GCM/shop-app');
        return app;
      }),
    ),
    timerLagAlarmThreshold: optional(read(keys.timerLagAlarmThresholdMinutes), (v) => Duration.minutes(positiveInteger(keys.timerLagAlarmThresholdMinutes, v))),
    retrainingScheduleTimeZone: optional(read(keys.retrainingScheduleTimeZone), (v) => ianaTimeZone(keys.retrainingScheduleTimeZone, v)),
    retrainingScheduleHour: optional(read(keys.retrainingScheduleHour), (v) => hourOfDay(keys.retrainingScheduleHour, v)),
    retrainingMinNewInteractions: optional(read(keys.retrainingMinNewInteractions), (v) =>
      asVariable(keys.retrainingMinNewInteractions, RETRAIN_MODEL_CONFIG.schema.RETRAINING_MIN_NEW_INTERACTIONS, v),
    ),
    retrainingMetricTolerance: optional(read(keys.retrainingMetricTolerance), (v) =>
      asVariable(keys.retrainingMetricTolerance, RETRAIN_MODEL_CONFIG.schema.RETRAINING_METRIC_TOLERANCE, v),
    ),
    personalize: personalizeFrom(read),
    personalizeEvents: personalizeEventsFrom(read),
    recommendationBlend: optional(read(keys.recommendationBlend), (v) => {
      asVariable(keys.recommendationBlend, DELIVER_CONFIG.schema.RECOMMENDATION_BLEND, v);
      return String(v).trim();
    }),
    inboxAllowedOrigin: optional(read(keys.inboxAllowedOrigin), (v) => asVariable(keys.inboxAllowedOrigin, INBOX_API_CONFIG.schema.INBOX_ALLOWED_ORIGIN, v)),
    inboxJwtIssuer: optional(read(keys.inboxJwtIssuer), (v) => asVariable(keys.inboxJwtIssuer, INBOX_AUTHORIZER_CONFIG.schema.INBOX_JWT_ISSUER, v)),
    inboxJwtAudience: optional(read(keys.inboxJwtAudience), (v) => String(v)),
    inboxJwtUserClaim: optional(read(keys.inboxJwtUserClaim), (v) => String(v)),
  });
  const deliveryFromContext = Object.fromEntries(
    Object.entries(DELIVERY_CONTEXT_KEYS).flatMap(([name, key]) => (read(key) === undefined ? [] : [[name, String(read(key))]])),
  );
  const config = { ...DEFAULT_PIPELINE_CONFIG, ...fromContext, ...withoutUndefined(overrides) };
  const deliverySettings = { ...DEFAULT_PIPELINE_CONFIG.deliverySettings, ...deliveryFromContext, ...overrides.deliverySettings };
  validateDeliverySettings(deliverySettings);
  // Unless set, customer-managed keys follow the stage: on for prod.
  const customerManagedKeys = overrides.customerManagedKeys ?? fromContext.customerManagedKeys ?? config.stage === 'prod';
  return { ...config, customerManagedKeys, deliverySettings };
};

/** Through deliver's own reader: what passes here is what deliver accepts at cold start. */
const validateDeliverySettings = (settings: Partial<Record<DeliverySetting, string>>): void => {
  try {
    readDeliveryPolicy(settings);
  } catch (error) {
    if (!(error instanceof DeliveryConfigInvalidError)) throw error;
    const variable = error.variable as DeliverySetting;
    throw new PipelineConfigError(DELIVERY_CONTEXT_KEYS[variable] ?? variable, settings[variable], error.message);
  }
};


const PERSONALIZE_ARN = /^arn:aws[a-z-]*:(personalize|iam):[a-z0-9-]*:\d{12}:[A-Za-z0-9_./-]+$/;

/** The four Personalize ARNs, all or none: a partial setup would fail every night at the first missing one. */
const personalizeFrom = (read: (key: string) => unknown): PipelineConfig['personalize'] => {
  const keys = {
    datasetArn: PIPELINE_CONTEXT_KEYS.personalizeDatasetArn,
    solutionArn: PIPELINE_CONTEXT_KEYS.personalizeSolutionArn,
    campaignArn: PIPELINE_CONTEXT_KEYS.personalizeCampaignArn,
    roleArn: PIPELINE_CONTEXT_KEYS.personalizeRoleArn,
  };
  const values = Object.entries(keys).map(([field, key]) => [field, key, read(key)] as const);
  const set = values.filter(([, , value]) => value !== undefined);
  if (set.length === 0) return undefined;
  const missing = values.filter(([, , value]) => value === undefined);
  if (missing.length > 0) throw new PipelineConfigError(missing[0]![1], undefined, `set together with ${set.map(([, key]) => key).join(', ')}: Personalize needs all four`);
  for (const [, key, value] of values) {
    if (typeof value !== 'string' || !PERSONALIZE_ARN.test(value)) throw new PipelineConfigError(key, value, 'an ARN, e.g. arn:aws:personalize:eu-west-1:123456789012:solution/related-items');
  }
  return Object.fromEntries(values.map(([field, , value]) => [field, value])) as unknown as PipelineConfig['personalize'];
};


/** The event tracker's tracking id (for PutEvents) and ARN (for IAM), both or neither. */
const personalizeEventsFrom = (read: (key: string) => unknown): PipelineConfig['personalizeEvents'] => {
  const idKey = PIPELINE_CONTEXT_KEYS.personalizeTrackingId;
  const arnKey = PIPELINE_CONTEXT_KEYS.personalizeEventTrackerArn;
  const [trackingId, eventTrackerArn] = [read(idKey), read(arnKey)];
  if (trackingId === undefined && eventTrackerArn === undefined) return undefined;
  if (typeof trackingId !== 'string' || !/^[A-Za-z0-9-]{1,256}$/.test(trackingId)) throw new PipelineConfigError(idKey, trackingId, `the event tracker's tracking id, set together with ${arnKey}`);
  if (typeof eventTrackerArn !== 'string' || !/^arn:aws[a-z-]*:personalize:[a-z0-9-]+:\d{12}:event-tracker\/[A-Za-z0-9_-]+$/.test(eventTrackerArn)) {
    throw new PipelineConfigError(arnKey, eventTrackerArn, `the event tracker's ARN, set together with ${idKey}`);
  }
  return { trackingId, eventTrackerArn };
};


const optional = <T>(value: unknown, parse: (value: unknown) => T): T | undefined => (value === undefined ? undefined : parse(value));

/** Through the variable the function's own schema reads it as, so synth and cold start apply one rule. */
const asVariable = <T>(key: string, variable: Variable<T>, value: unknown): T => {
  try {
    return variable.parse(String(value).trim());
  } catch (error) {
    throw new PipelineConfigError(key, value, (error instanceof Error ? error.message : String(error)).replace(/^must be /, '').replace(/, got ".*"$/, ''));
  }
};

const withoutUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

const positiveInteger = (key: string, value: unknown): number => {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new PipelineConfigError(key, value, 'a positive integer');
  return n;
};

// Kinesis accepts 24 hours to 365 days of retention.
const streamHours = (key: string, value: unknown): number => {
  const hours = positiveInteger(key, value);
  if (hours < 24 || hours > 8760) throw new PipelineConfigError(key, value, 'between 24 and 8760 hours');
  return hours;
};

const retentionDays = (key: string, value: unknown): RetentionDays => {
  const days = positiveInteger(key, value);
  if (!Object.values(RetentionDays).includes(days)) throw new PipelineConfigError(key, value, 'a CloudWatch Logs retention in days (1, 3, 5, 7, 14, 30, ...)');
  return days as RetentionDays;
};

const removalPolicy = (key: string, value: unknown): RemovalPolicy => {
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new PipelineConfigError(key, value, '"retain" or "destroy"');
};

const boolean = (key: string, value: unknown): boolean => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new PipelineConfigError(key, value, 'true or false');
};


/** Returned under the canonical name ICU gives it (`utc` -> `UTC`, `US/Eastern` -> `America/New_York`). */
const ianaTimeZone = (key: string, value: unknown): TimeZone => {
  const zone = typeof value === 'string' ? canonicalTimeZone(value) : undefined;
  if (!zone) throw new PipelineConfigError(key, value, 'an IANA time zone name, e.g. "Europe/London" or "UTC"');
  return TimeZone.of(zone);
};

const hourOfDay = (key: string, value: unknown): number => {
  const n = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 23) throw new PipelineConfigError(key, value, 'an hour of the day, an integer from 0 to 23');
  return n;
};
