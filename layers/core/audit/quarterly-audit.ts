import type { DataRequestStatus } from '../compliance/data-requests';
import type { LogScanResult } from './log-scan';
/**
 * The quarterly security audit's findings from a synthesized (or deployed) CloudFormation template and
 * cdk-nag's validation report: how each resource is encrypted, which IAM statements use wildcards and
 * why, how long each store keeps data, and what cdk-nag found. Pure: the caller gathers the inputs.
 */

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, unknown> };
export interface TemplateLike {
  Resources: Record<string, Resource>;
}

/** One finding of a validation plugin, acknowledged or not (CDK's validation-report.json). */
export interface NagViolation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
  acknowledgedAt?: string;
  reason?: string;
}
export interface NagReport {
  violations: NagViolation[];
  suppressedViolations?: NagViolation[];
}

export interface EncryptionRow {
  resource: string;
  type: string;
  /** `aws-owned`, `aws-managed`, `customer-managed`, `SSE-S3`, `default` (CloudWatch Logs' own), `none`. */
  encryption: string;
  ok: boolean;
}

const TYPES_AT_REST = ['AWS::DynamoDB::Table', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::S3::Bucket', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::Logs::LogGroup', 'AWS::KMS::Key'];

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Which kind of KMS key a key property names: an AWS-managed key by its alias (`alias/aws/sns`, or an ARN
 * ending in it, as CDK renders `Alias.fromAliasName`), otherwise a customer-managed one (a key's ARN or id).
 */
const kindOfKey = (key: unknown): 'aws-managed' | 'customer-managed' => (/(^|:)alias\/aws\//.test(text(key)) ? 'aws-managed' : 'customer-managed');

const encryptionOf = ({ Type, Properties: p = {} }: Resource): string => {
  switch (Type) {
    case 'AWS::DynamoDB::Table':
      return p.SSESpecification?.KMSMasterKeyId ? kindOfKey(p.SSESpecification.KMSMasterKeyId) : p.SSESpecification?.SSEEnabled ? 'aws-managed' : 'aws-owned';
    case 'AWS::Kinesis::Stream':
      return p.StreamEncryption ? kindOfKey(p.StreamEncryption.KeyId) : 'none';
    case 'AWS::SQS::Queue':
      return p.KmsMasterKeyId ? kindOfKey(p.KmsMasterKeyId) : p.SqsManagedSseEnabled === false ? 'none' : 'SSE-SQS';
    case 'AWS::SNS::Topic':
      return p.KmsMasterKeyId ? kindOfKey(p.KmsMasterKeyId) : 'none';
    case 'AWS::S3::Bucket': {
      const rule = p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
      return rule?.SSEAlgorithm === 'aws:kms' ? (rule.KMSMasterKeyID ? kindOfKey(rule.KMSMasterKeyID) : 'aws-managed') : rule ? 'SSE-S3' : 'SSE-S3 (S3 default)';
    }
    case 'AWS::KinesisFirehose::DeliveryStream': {
      const keyType = p.DeliveryStreamEncryptionConfigurationInput?.KeyType;
      return keyType === 'CUSTOMER_MANAGED_CMK' ? 'customer-managed' : keyType === 'AWS_OWNED_CMK' ? 'aws-owned' : 'none';
    }
    case 'AWS::Logs::LogGroup':
      return p.KmsKeyId ? 'customer-managed' : 'default';
    case 'AWS::KMS::Key':
      return p.EnableKeyRotation ? 'rotation on' : 'rotation off';
    default:
      return 'n/a';
  }
};

/** Every resource that holds data at rest, with how it is encrypted; `ok` is false where nothing encrypts it. */
export const encryptionRows = (template: TemplateLike): EncryptionRow[] =>
  Object.entries(template.Resources)
    .filter(([, r]) => TYPES_AT_REST.includes(r.Type))
    .map(([id, r]) => {
      const encryption = encryptionOf(r);
      return { resource: id, type: r.Type, encryption, ok: encryption !== 'none' && encryption !== 'rotation off' };
    });

export interface WildcardStatement {
  policy: string;
  actions: string[];
  resources: string[];
  /** The cdk-nag acknowledgements (AwsSolutions-IAM5) that cover the policy, with their reasons. */
  justifications: string[];
}

const hasWildcard = (value: string): boolean => value.includes('*');

/** IAM statements that allow a wildcard action or resource, each with the reasons given for it. */
export const wildcardStatements = (template: TemplateLike, nag: NagReport, paths: Readonly<Record<string, string>> = {}): WildcardStatement[] => {
  const acknowledged = (nag.suppressedViolations ?? []).filter((v) => v.ruleName.includes('-IAM5'));
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::ManagedPolicy')
    .flatMap(([id, r]) => {
      const documents = r.Type === 'AWS::IAM::Role' ? (r.Properties?.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument) : [r.Properties?.PolicyDocument];
      // The construct path cdk-nag names: from the synthesized app's tree, or the template's path metadata.
      const path = paths[id] ?? String(r.Metadata?.['aws:cdk:path'] ?? id);
      const reasons = [...new Set(acknowledged.filter((v) => v.violatingConstructs.some((c) => path.startsWith(c.constructPath))).map((v) => v.reason ?? ''))].filter(Boolean);
      return documents
        .flatMap((document: { Statement?: unknown[] } | undefined) => document?.Statement ?? [])
        .filter((s: any) => s.Effect === 'Allow')
        .map((s: any) => ({ actions: [s.Action].flat().map(text), resources: [s.Resource].flat().map(text) }))
        .filter((s: { actions: string[]; resources: string[] }) => s.actions.some(hasWildcard) || s.resources.some(hasWildcard))
        .map((s: { actions: string[]; resources: string[] }) => ({ policy: id, ...s, justifications: reasons }));
    });
};

export interface RetentionRow {
  resource: string;
  type: string;
  retention: string;
  /** False when the store keeps data with no limit at all. */
  bounded: boolean;
}

const retentionOf = ({ Type, Properties: p = {} }: Resource): [string, boolean] => {
  switch (Type) {
    case 'AWS::DynamoDB::Table':
      return p.TimeToLiveSpecification?.Enabled ? [`TTL on ${p.TimeToLiveSpecification.AttributeName}`, true] : ['kept until deleted (no TTL)', false];
    case 'AWS::S3::Bucket': {
      const rules = (p.LifecycleConfiguration?.Rules ?? []) as { Prefix?: string; ExpirationInDays?: number; Status?: string }[];
      const expiring = rules.filter((rule) => rule.Status !== 'Disabled' && rule.ExpirationInDays);
      if (expiring.length === 0) return ['kept (no lifecycle expiry)', false];
      // Rules on some prefixes only bound those: the rest of the bucket is kept, and the auditor should see it.
      const whole = expiring.some((rule) => !rule.Prefix);
      return [`${expiring.map((rule) => `${rule.Prefix ?? '(all)'} ${rule.ExpirationInDays} d`).join(', ')}${whole ? '' : ', other keys kept'}`, whole];
    }
    case 'AWS::Kinesis::Stream':
      return [`${p.RetentionPeriodHours ?? 24} h`, true];
    case 'AWS::SQS::Queue':
      return [`${Math.round((p.MessageRetentionPeriod ?? 345_600) / 86_400)} d`, true];
    case 'AWS::Logs::LogGroup':
      return p.RetentionInDays ? [`${p.RetentionInDays} d`, true] : ['never expires', false];
    default:
      return ['n/a', true];
  }
};

/** How long each store keeps data, from the template. Unbounded stores are listed for the auditor to confirm. */
export const retentionRows = (template: TemplateLike): RetentionRow[] =>
  Object.entries(template.Resources)
    .filter(([, r]) => ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup'].includes(r.Type))
    .map(([id, r]) => {
      const [retention, bounded] = retentionOf(r);
      return { resource: id, type: r.Type, retention, bounded };
    });

/** Consent coverage of the profiles: how many state tracking, and how many any channel. */
export interface ConsentCoverage {
  profiles: number;
  trackingStated: number;
  trackingGranted: number;
  channelStated: number;
}

export const addToCoverage = (coverage: ConsentCoverage, consent: Readonly<Record<string, { granted: boolean } | undefined>>): ConsentCoverage => ({
  profiles: coverage.profiles + 1,
  trackingStated: coverage.trackingStated + (consent.tracking ? 1 : 0),
  trackingGranted: coverage.trackingGranted + (consent.tracking?.granted ? 1 : 0),
  channelStated: coverage.channelStated + (['push', 'sms', 'in-app', 'email'].some((channel) => consent[channel]) ? 1 : 0),
});

export const EMPTY_COVERAGE: ConsentCoverage = { profiles: 0, trackingStated: 0, trackingGranted: 0, channelStated: 0 };

export interface QuarterlyAudit {
  quarter: string;
  generatedAt: string;
  stack: string;
  encryption: EncryptionRow[];
  wildcards: WildcardStatement[];
  retention: RetentionRow[];
  consent: ConsentCoverage;
  nag: { unacknowledged: { rule: string; paths: string[] }[]; acknowledged: { rule: string; path: string; reason: string }[] };
  /** The quarter's data-subject requests and how long each took. */
  dataRequests: DataRequestSummary;
  /** A sample of function logs scanned for personal data, per source. */
  logScan: LogScanResult[];
  /** Sections of the procedure this report does not cover yet, said rather than left out. */
  notCovered: string[];
}

export const nagSummary = (nag: NagReport): QuarterlyAudit['nag'] => ({
  unacknowledged: nag.violations.map((v) => ({ rule: v.ruleName, paths: v.violatingConstructs.map((c) => c.constructPath) })),
  acknowledged: (nag.suppressedViolations ?? []).map((v) => ({ rule: v.ruleName, path: v.acknowledgedAt ?? '', reason: v.reason ?? '' })),
});

/** The quarter a day falls in: `2026-Q4`. */
/** One data-subject request of the quarter, as its receipt tells it (the user only by hash). */
export interface DataRequestRow {
  requestId: string;
  kind: string;
  status: string;
  requestedAt: string;
  completedAt?: string;
  /** Whole minutes from request to receipt. */
  minutes?: number;
  failedStores: string[];
}

export interface DataRequestSummary {
  rows: DataRequestRow[];
  /** Requests not complete within the 24 hours the procedure sets, or failed. */
  late: number;
  failed: number;
  /** The slowest, in minutes. */
  maxMinutes?: number;
}

/** The quarter's requests from their receipts (`[from, to)` is the quarter), oldest first. */
export const dataRequestSummary = (receipts: readonly DataRequestStatus[]): DataRequestSummary => {
  const rows = [...receipts]
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))
    .map((r): DataRequestRow => {
      const minutes = r.completedAt ? Math.round((Date.parse(r.completedAt) - Date.parse(r.requestedAt)) / 60_000) : undefined;
      return {
        requestId: r.requestId,
        kind: r.kind,
        status: r.status,
        requestedAt: r.requestedAt,
        ...(r.completedAt && { completedAt: r.completedAt }),
        ...(minutes !== undefined && { minutes }),
        failedStores: r.stores.filter((store) => store.outcome === 'failed').map((store) => store.store),
      };
    });
  const durations = rows.flatMap((row) => (row.minutes === undefined ? [] : [row.minutes]));
  return {
    rows,
    late: rows.filter((row) => row.status !== 'succeeded' || (row.minutes ?? Infinity) > 24 * 60).length,
    failed: rows.filter((row) => row.status === 'failed').length,
    ...(durations.length > 0 && { maxMinutes: Math.max(...durations) }),
  };
};

/** The first instant of a quarter (`2026-Q4`) and of the next one, ISO-8601. */
export const quarterBounds = (quarter: string): { from: string; to: string } => {
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(-1))];
  return { from: new Date(Date.UTC(year, (q - 1) * 3, 1)).toISOString(), to: new Date(Date.UTC(year, q * 3, 1)).toISOString() };
};

export const quarterOf = (at: Date): string => `${at.getUTCFullYear()}-Q${Math.floor(at.getUTCMonth() / 3) + 1}`;
