import { parseTrackingPolicy } from '../core/consent/tracking-policy';
import { DEFAULT_AUDIT_RETENTION_DAYS } from '../core/audit/audit-keys';
import { DEFAULT_DELIVERY_SETTINGS, readDeliveryPolicy } from '../core/messaging/delivery-policy';
import { parseCosts } from '../core/kpis/costs';
import { canonicalTimeZone } from '../core/time-zone';
import { decimal, defineConfig, optionalText, parsedBy, resource, VariableInvalidError, wholeNumber, type Variable } from './config';
import { parseRecommendationBlend, parseRecommendationBudget } from './recommender-from-environment';

/**
 * The configuration of every function, one schema each: the variables it reads, their rules and
 * defaults. The CDK app sets a function's environment through its schema (createFunction checks the
 * values at synth) and the handler parses it once at cold start, so the names, the rules and the
 * error (ConfigurationError) are the same in both places.
 */

/** How long a function serves the campaigns it read before reading them again. */
export const DEFAULT_CAMPAIGN_CACHE_TTL_SECONDS = 60;

/** Whole seconds, at most an hour: a deactivated campaign must stop within a bounded time. */
const CAMPAIGN_CACHE_TTL_SECONDS = wholeNumber({ fallback: DEFAULT_CAMPAIGN_CACHE_TTL_SECONDS, max: 3_600 });

/** One of deliver's delivery-policy variables, checked by the policy's own reader (DEFAULT_TIME_ZONE has no default). */
const deliverySetting = (name: keyof typeof DEFAULT_DELIVERY_SETTINGS | 'DEFAULT_TIME_ZONE'): Variable<string | undefined> =>
  parsedBy((raw) => {
    readDeliveryPolicy({ [name]: raw });
    return raw;
  });

export const INGEST_CONFIG = defineConfig({ EVENTS_STREAM_NAME: resource() });

export const PROCESS_EVENTS_CONFIG = defineConfig({
  PROFILES_TABLE_NAME: resource(),
  INTENTS_QUEUE_URL: resource(),
  EVENTS_DLQ_URL: resource(),
  CAMPAIGNS_TABLE_NAME: resource(),
  TIMERS_TABLE_NAME: resource(),
  EXPERIMENTS_TABLE_NAME: resource(),
  KPIS_TABLE_NAME: resource(),
  /** The KMS key phone numbers and push endpoints are sealed under (GenerateDataKey only). */
  FIELD_KEY_ARN: resource(),
  /** The append-only consent receipts (PutItem only). */
  CONSENTS_TABLE_NAME: resource(),
  /** The Direct PUT Firehose stream of the events archive: the events process-events accepted. */
  EVENTS_ARCHIVE_STREAM_NAME: resource(),
  /** `opt-in` (default: no behaviour kept before a grant) or `opt-out`: the tracking rule of users without a statement. */
  TRACKING_CONSENT: parsedBy((raw) => parseTrackingPolicy({ default: raw }).default),
  /** JSON from the user's `region` trait to `opt-in`/`opt-out`, overriding TRACKING_CONSENT there. */
  TRACKING_CONSENT_BY_REGION: parsedBy((raw) => parseTrackingPolicy({ byRegion: raw }).byRegion),
  CAMPAIGN_CACHE_TTL_SECONDS,
  /** Personalize's event tracker: interactions are sent as they happen when set. */
  PERSONALIZE_TRACKING_ID: optionalText(),
});

export const DELIVER_CONFIG = defineConfig({
  PROFILES_TABLE_NAME: resource(),
  MESSAGES_TABLE_NAME: resource(),
  CAMPAIGNS_TABLE_NAME: resource(),
  TIMERS_TABLE_NAME: resource(),
  EXPERIMENTS_TABLE_NAME: resource(),
  /** In-app messages are written here (PutItem only). */
  INBOX_TABLE_NAME: resource(),
  DELIVERY_EVENTS_TOPIC_ARN: resource(),
  /** The KMS key the addresses are sealed under: deliver is the one function that may decrypt them. */
  FIELD_KEY_ARN: resource(),
  CAMPAIGN_CACHE_TTL_SECONDS,
  QUIET_HOURS: deliverySetting('QUIET_HOURS'),
  DEFAULT_TIME_ZONE: deliverySetting('DEFAULT_TIME_ZONE'),
  PUSH_RATE_PER_SECOND: deliverySetting('PUSH_RATE_PER_SECOND'),
  SMS_RATE_PER_SECOND: deliverySetting('SMS_RATE_PER_SECOND'),
  PUSH_CAP_PER_24H: deliverySetting('PUSH_CAP_PER_24H'),
  MARKETING_CAP_PER_24H: deliverySetting('MARKETING_CAP_PER_24H'),
  SMS_CAP_PER_24H: deliverySetting('SMS_CAP_PER_24H'),
  IN_APP_CAP_PER_24H: deliverySetting('IN_APP_CAP_PER_24H'),
  HOLDOUT_SHARE: deliverySetting('HOLDOUT_SHARE'),
  MINIMUM_MARKETING_AGE: deliverySetting('MINIMUM_MARKETING_AGE'),
  KPIS_TABLE_NAME: resource(),
  /** The built-in model's bucket (AWS) or folder (local stack); neither = popular items only. */
  MODELS_BUCKET_NAME: optionalText(),
  MODEL_DIR: optionalText(),
  RECOMMENDATION_BLEND: parsedBy(parseRecommendationBlend),
  RECOMMENDATION_BUDGET_MS: parsedBy(parseRecommendationBudget),
  PERSONALIZE_CAMPAIGN_ARN: optionalText(),
});

export const KPI_MONITOR_CONFIG = defineConfig({
  KPIS_TABLE_NAME: resource(),
  CAMPAIGNS_TABLE_NAME: resource(),
  ALERTS_TOPIC_ARN: resource(),
});

export const DELIVERY_STATUS_CONFIG = defineConfig({ KPIS_TABLE_NAME: resource() });

export const DAILY_REVIEW_CONFIG = defineConfig({
  KPIS_TABLE_NAME: resource(),
  CAMPAIGNS_TABLE_NAME: resource(),
  REPORTS_BUCKET_NAME: resource(),
  REVIEWS_TOPIC_ARN: resource(),
  /** The team's reporting time zone: the review's "yesterday" is a local day there. */
  KPI_TIME_ZONE: parsedBy((raw) => canonicalTimeZone(raw ?? 'UTC') ?? fail('must be an IANA time zone, e.g. Europe/London')),
  /** Cost settings (JSON, docs/measurement.md) for ROI. */
  KPI_COSTS: parsedBy((raw) => {
    try {
      return parseCosts(raw);
    } catch (error) {
      return fail(`must be cost settings as JSON (docs/measurement.md): ${(error as Error).message}`);
    }
  }),
});

export const SWEEP_TIMERS_CONFIG = defineConfig({
  TIMERS_TABLE_NAME: resource(),
  INTENTS_QUEUE_URL: resource(),
});

export const NIGHTLY_PROFILES_CONFIG = defineConfig({
  PROFILES_TABLE_NAME: resource(),
  /** Date-triggered campaigns are read from here, and their timers armed there. */
  CAMPAIGNS_TABLE_NAME: resource(),
  TIMERS_TABLE_NAME: resource(),
  /** The zone of users whose profile has none, for date triggers' local times (deliver's setting). */
  DEFAULT_TIME_ZONE: deliverySetting('DEFAULT_TIME_ZONE'),
  /** ISO 4217: spend in other currencies does not count toward RFM's monetary score. */
  RFM_CURRENCY: parsedBy((raw) => (raw && /^[A-Z]{3}$/.test(raw) ? raw : fail('must be an ISO 4217 currency code of 3 uppercase letters, e.g. "GBP"'))),
});

export const RETRAIN_MODEL_CONFIG = defineConfig({
  MODELS_BUCKET_NAME: resource(),
  RETRAINING_MIN_NEW_INTERACTIONS: wholeNumber({ fallback: 1_000 }),
  /** How much worse, absolute on the promotion metric (a rate from 0 to 1), a retrained model may be. */
  RETRAINING_METRIC_TOLERANCE: decimal({ fallback: 0, min: 0, max: 1 }),
  PERSONALIZE_DATASET_ARN: optionalText(),
  PERSONALIZE_SOLUTION_ARN: optionalText(),
  PERSONALIZE_CAMPAIGN_ARN: optionalText(),
  PERSONALIZE_ROLE_ARN: optionalText(),
});

export const ROLLOUT_STEP_CONFIG = defineConfig({
  EXPERIMENTS_TABLE_NAME: resource(),
  CAMPAIGNS_TABLE_NAME: resource(),
  REPORTS_BUCKET_NAME: resource(),
});

/** Segments of the fan-out's parallel scan of Profiles: each is one worker of the Distributed Map. */
export const DEFAULT_BROADCAST_SCAN_SEGMENTS = 16;

export const BROADCAST_STEP_CONFIG = defineConfig({
  PROFILES_TABLE_NAME: resource(),
  CAMPAIGNS_TABLE_NAME: resource(),
  EXPERIMENTS_TABLE_NAME: resource(),
  REPORTS_BUCKET_NAME: resource(),
  INTENTS_QUEUE_URL: resource(),
  /** Up to DynamoDB's 1,000,000 segments; more segments, more parallel workers (each one Lambda invocation). */
  BROADCAST_SCAN_SEGMENTS: wholeNumber({ fallback: DEFAULT_BROADCAST_SCAN_SEGMENTS, min: 1, max: 10_000 }),
  /** The zone of users whose profile has none, for local-time broadcasts (deliver's setting). */
  DEFAULT_TIME_ZONE: deliverySetting('DEFAULT_TIME_ZONE'),
});

export const BROADCAST_SCHEDULER_CONFIG = defineConfig({
  CAMPAIGNS_TABLE_NAME: resource(),
  BROADCAST_STATE_MACHINE_ARN: resource(),
});

export const DATA_REQUEST_CONFIG = defineConfig({
  PROFILES_TABLE_NAME: resource(),
  CONSENTS_TABLE_NAME: resource(),
  MESSAGES_TABLE_NAME: resource(),
  TIMERS_TABLE_NAME: resource(),
  EXPERIMENTS_TABLE_NAME: resource(),
  KPIS_TABLE_NAME: resource(),
  INBOX_TABLE_NAME: resource(),
  /** The events archive, the decisions export, Personalize's exports and the model artifacts. */
  MODELS_BUCKET_NAME: resource(),
  /** Where export documents and receipts are written. */
  REPORTS_BUCKET_NAME: resource(),
  /** With both set, erasure runs Personalize's CreateDataDeletionJob on the dataset's group. */
  PERSONALIZE_DATASET_ARN: optionalText(),
  PERSONALIZE_ROLE_ARN: optionalText(),
});

export const ADMIN_API_CONFIG = defineConfig({
  PROFILES_TABLE_NAME: resource(),
  AUDIT_TABLE_NAME: resource(),
  /** Days an audit entry is kept (its TTL); `pipeline:auditRetentionDays`. */
  AUDIT_RETENTION_DAYS: wholeNumber({ fallback: DEFAULT_AUDIT_RETENTION_DAYS, min: 1, max: 36_500 }),
  /** The DataRequest state machine the export and erasure routes start. */
  DATA_REQUESTS_STATE_MACHINE_ARN: resource(),
  /** Where the requests' receipts are read (`data-requests/<request>.json`). */
  REPORTS_BUCKET_NAME: resource(),
});

/** `GET/POST /v1/users/{userId}/messages…`: the inbox the app reads, behind the inbox authorizer. */
export const INBOX_API_CONFIG = defineConfig({
  INBOX_TABLE_NAME: resource(),
  /** Impressions and clicks are put on the events stream, as ingest puts the app's events. */
  EVENTS_STREAM_NAME: resource(),
  /** The origin browsers may call the inbox from (`Access-Control-Allow-Origin`); `*` by default (the token is in a header, never a cookie). */
  INBOX_ALLOWED_ORIGIN: parsedBy((raw) => (raw === undefined || raw === '*' || /^https?:\/\/[^/]+$/.test(raw) ? (raw ?? '*') : fail('must be * or an origin such as https://shop.example.com'))),
});

/** The Lambda authorizer of the inbox routes: which tokens prove a user (docs/in-app.md). */
export const INBOX_AUTHORIZER_CONFIG = defineConfig({
  /** The Secrets Manager secret app backends sign user ids with (`UserHash`); unset: user hashes are refused. */
  INBOX_SIGNING_SECRET_ARN: optionalText(),
  /** An OIDC issuer (a Cognito user pool's `https://cognito-idp.<region>.amazonaws.com/<pool id>`); unset: JWTs are refused. */
  INBOX_JWT_ISSUER: parsedBy((raw) => (raw === undefined || /^https:\/\/\S+$/.test(raw) ? raw : fail('must be an https URL (the issuer, as in the tokens\' iss)'))),
  /** The audience (`aud`) tokens must carry: the app client id. */
  INBOX_JWT_AUDIENCE: optionalText(),
  /** The issuer's keys; default `<issuer>/.well-known/jwks.json` (where Cognito publishes them). */
  INBOX_JWT_JWKS_URL: optionalText(),
  /** The claim holding the app's user id. */
  INBOX_JWT_USER_CLAIM: parsedBy((raw) => raw ?? 'sub'),
});

/** Every function's schema by its service name (POWERTOOLS_SERVICE_NAME), for the infra tests. */
export const FUNCTION_CONFIGS = {
  ingest: INGEST_CONFIG,
  'process-events': PROCESS_EVENTS_CONFIG,
  deliver: DELIVER_CONFIG,
  'kpi-monitor': KPI_MONITOR_CONFIG,
  'daily-review': DAILY_REVIEW_CONFIG,
  'delivery-status': DELIVERY_STATUS_CONFIG,
  'sweep-timers': SWEEP_TIMERS_CONFIG,
  'nightly-profiles': NIGHTLY_PROFILES_CONFIG,
  'retrain-model': RETRAIN_MODEL_CONFIG,
  'rollout-step': ROLLOUT_STEP_CONFIG,
  'data-request': DATA_REQUEST_CONFIG,
  'broadcast-step': BROADCAST_STEP_CONFIG,
  'broadcast-scheduler': BROADCAST_SCHEDULER_CONFIG,
  'admin-api': ADMIN_API_CONFIG,
  'inbox-api': INBOX_API_CONFIG,
  'inbox-authorizer': INBOX_AUTHORIZER_CONFIG,
} as const;

function fail(reason: string): never {
  throw new VariableInvalidError(reason);
}
