import { createHash } from 'node:crypto';
import type { CfnResource } from './cfn-template';

/** Naming rules of a resource type: the property holding an explicit name, the allowed characters, the length. */
interface NamingRule {
  readonly nameProperty: string;
  readonly invalidChars: RegExp;
  readonly maxLength: number;
  /** `.fifo` is required at the end of FIFO queue and topic names. */
  readonly fifoProperty?: string;
  /** S3 bucket names are lowercase. */
  readonly lowercase?: boolean;
}

const NAMING_RULES: Readonly<Record<string, NamingRule>> = {
  'AWS::DynamoDB::Table': { nameProperty: 'TableName', invalidChars: /[^A-Za-z0-9_.-]/g, maxLength: 255 },
  'AWS::Kinesis::Stream': { nameProperty: 'Name', invalidChars: /[^A-Za-z0-9_.-]/g, maxLength: 128 },
  'AWS::SQS::Queue': { nameProperty: 'QueueName', invalidChars: /[^A-Za-z0-9_-]/g, maxLength: 80, fifoProperty: 'FifoQueue' },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', invalidChars: /[^A-Za-z0-9_-]/g, maxLength: 256, fifoProperty: 'FifoTopic' },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', invalidChars: /[^A-Za-z0-9_-]/g, maxLength: 64 },
  'AWS::ApiGateway::RestApi': { nameProperty: 'Name', invalidChars: /[^\x20-\x7e]/g, maxLength: 1024 },
  'AWS::S3::Bucket': { nameProperty: 'BucketName', invalidChars: /[^a-z0-9.-]/g, maxLength: 63, lowercase: true },
  'AWS::KinesisFirehose::DeliveryStream': { nameProperty: 'DeliveryStreamName', invalidChars: /[^A-Za-z0-9_.-]/g, maxLength: 64 },
};

/** The property of `type` that holds an explicit name (`TableName`, `QueueName`...), if it has one. */
export const nameProperty = (type: string): string | undefined => NAMING_RULES[type]?.nameProperty;

/**
 * CDK appends an 8-character hash to generated logical IDs (`IntentsQueueE6CA6235`); pinned IDs
 * (`Intents`) have none. Without it names read like the construct.
 */
const CDK_HASH_SUFFIX = /^(.+?)[0-9A-F]{8}$/;

const readableBase = (logicalId: string): string => CDK_HASH_SUFFIX.exec(logicalId)?.[1] ?? logicalId;

const isFifo = (resource: CfnResource, rule: NamingRule): boolean => {
  const flag = rule.fifoProperty ? resource.Properties?.[rule.fifoProperty] : undefined;
  return flag === true || flag === 'true';
};

/** Applies the type's rules: prefix, allowed characters, `.fifo`, maximum length. */
const fitName = (base: string, prefix: string, resource: CfnResource, rule: NamingRule): string => {
  const fifo = isFifo(resource, rule);
  const raw = `${prefix}${fifo ? base.replace(/\.fifo$/, '') : base}`;
  const stem = (rule.lowercase ? raw.toLowerCase() : raw).replace(rule.invalidChars, '-');
  const suffix = fifo ? '.fifo' : '';
  return `${stem.slice(0, rule.maxLength - suffix.length)}${suffix}`;
};

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/**
 * A deterministic, readable local name for every nameable resource without an explicit name: the
 * prefix plus the logical ID without CDK's hash suffix, or the whole logical ID where stripping the
 * hash would make two names of the same type collide. Explicit names are handled by the caller (they
 * may hold intrinsics) and get the prefix too, so tests sharing one emulator stay apart.
 */
export const planDerivedNames = (resources: Readonly<Record<string, CfnResource>>, prefix: string): Map<string, string> => {
  const names = new Map<string, string>();
  const byType = new Map<string, [string, CfnResource][]>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!NAMING_RULES[resource.Type]) continue;
    byType.set(resource.Type, [...(byType.get(resource.Type) ?? []), [logicalId, resource]]);
  }
  for (const [type, entries] of byType) {
    const rule = NAMING_RULES[type] as NamingRule;
    const readable = entries.map(([logicalId, resource]) => fitName(readableBase(logicalId), prefix, resource, rule));
    const used = new Set<string>();
    entries.forEach(([logicalId, resource], index) => {
      const candidate = readable[index] as string;
      const unique = readable.indexOf(candidate) === readable.lastIndexOf(candidate);
      let name = unique ? candidate : fitName(logicalId, prefix, resource, rule);
      if (used.has(name)) name = fitName(`${logicalId}-${shortHash(logicalId)}`, prefix, resource, rule);
      used.add(name);
      names.set(logicalId, name);
    });
  }
  return names;
};

/** An explicit name from the template, with the prefix and the type's rules applied. */
export const fitExplicitName = (explicit: string, prefix: string, resource: CfnResource): string => {
  const rule = NAMING_RULES[resource.Type];
  return rule ? fitName(explicit, prefix, resource, rule) : `${prefix}${explicit}`;
};
