/**
 * The two analytics tables, defined once: the Glue tables of the CDK app (`infra/constructs/analytics.ts`)
 * and the DuckDB views the local runner puts over the same files (`scripts/analytics/duckdb-archive.ts`).
 * Both read newline-delimited JSON that Kinesis Data Firehose writes under `<prefix>YYYY/MM/DD/HH/`, and
 * both add the partition columns `day` (`YYYY/MM/DD`, a string) and `hour` (0–23) from that path.
 */

/** A column: its JSON key, and whether it holds a nested object kept as JSON text. */
export interface AnalyticsColumn {
  /** The JSON key (Glue and Athena lowercase it; the SerDe matches keys case-insensitively). */
  readonly key: string;
  /** `string` for scalars; `json` for a nested object, a string of JSON text to use with json_extract_scalar. */
  readonly kind: 'string' | 'json';
  readonly comment: string;
}

export interface AnalyticsTable {
  readonly name: 'events' | 'decisions';
  /** Key prefix in the bucket, as the delivery stream writes it. */
  readonly prefix: string;
  readonly description: string;
  readonly columns: readonly AnalyticsColumn[];
}

/** The partition columns every table has, from the Firehose key layout. */
export const PARTITION_COLUMNS = { day: 'YYYY/MM/DD (UTC) of delivery to S3, a string', hour: 'HH (UTC) of delivery to S3' } as const;

/** `archive/`: every event as ingest wrote it to the Events stream (the envelope of `IngestedEvent`). */
export const EVENTS_TABLE: AnalyticsTable = {
  name: 'events',
  prefix: 'archive/',
  description: 'Every ingested event (the Events stream archived by EventsArchive), one JSON object per line',
  columns: [
    { key: 'type', kind: 'string', comment: 'event type (app_open, purchase, push_open...)' },
    { key: 'insertId', kind: 'string', comment: 'deduplication key' },
    { key: 'userId', kind: 'string', comment: 'known user' },
    { key: 'anonymousId', kind: 'string', comment: 'device or session before identify' },
    { key: 'timestamp', kind: 'string', comment: 'client time, ISO-8601' },
    { key: 'receivedAt', kind: 'string', comment: 'server time at ingest, ISO-8601' },
    { key: 'clientTimestamp', kind: 'string', comment: 'the client time when timestamp was clamped' },
    { key: 'ipPrefix', kind: 'string', comment: 'client network masked to /24 or /48' },
    { key: 'context', kind: 'json', comment: 'platform, appVersion, locale (JSON text)' },
    { key: 'properties', kind: 'json', comment: 'per-type properties (JSON text): messageId, items, dwellMs...' },
  ],
};

/** `decisions/`: every delivery outcome deliver published to DeliveryEvents (see SnsDeliveryEvents). */
export const DECISIONS_TABLE: AnalyticsTable = {
  name: 'decisions',
  prefix: 'decisions/',
  description: 'Every delivery outcome published to DeliveryEvents (sent, unconfirmed, suppressed, deferred), one JSON object per line',
  columns: [
    { key: 'messageId', kind: 'string', comment: 'the intent\'s message id (one final decision each)' },
    { key: 'userId', kind: 'string', comment: 'profile key' },
    { key: 'campaignId', kind: 'string', comment: 'campaign' },
    { key: 'channel', kind: 'string', comment: 'channel used (push, sms)' },
    { key: 'status', kind: 'string', comment: 'sent, unconfirmed, suppressed or deferred' },
    { key: 'reason', kind: 'string', comment: 'suppression or deferral reason (HOLDOUT: global holdout)' },
    { key: 'detail', kind: 'string', comment: 'reason detail' },
    { key: 'variant', kind: 'string', comment: 'content or A/B variant of a sent message' },
    { key: 'providerMessageId', kind: 'string', comment: 'SNS message id of a send' },
    { key: 'until', kind: 'string', comment: 'deferred until, ISO-8601' },
    { key: 'decidedAt', kind: 'string', comment: 'when the decision was taken, ISO-8601' },
    { key: 'at', kind: 'string', comment: 'when the outcome was published, ISO-8601' },
    { key: 'funnelAt', kind: 'string', comment: 'when a final decision counts in the funnel (the send slot, else the decision), ISO-8601' },
    { key: 'funnelChannel', kind: 'string', comment: 'the channel a final decision counts under (- when none was chosen)' },
    { key: 'funnelVariant', kind: 'string', comment: 'the content variant a final decision counts under (- when none was chosen)' },
  ],
};

export const ANALYTICS_TABLES: readonly AnalyticsTable[] = [EVENTS_TABLE, DECISIONS_TABLE];
