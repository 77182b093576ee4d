import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowedActionsOf, resourcesOfType, synthPipeline } from './synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, any> }>;

/** The inventory's rows by store (its first column, a logical id in backticks): the row's text. */
const inventory = (): Map<string, string> => {
  const doc = readFileSync(join(__dirname, '../../docs/data-inventory.md'), 'utf8');
  return new Map([...doc.matchAll(/^\| `([A-Za-z]+)` \|(.*)\|\s*$/gm)].map((m) => [m[1]!, m[2]!]));
};

const STORE_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue'];
const stores = Object.entries(resources).filter(([, r]) => STORE_TYPES.includes(r.Type));

/** What a policy can read a store with. */
const READ_ACTION = /^(dynamodb:(GetItem|BatchGetItem|Query|Scan|\*)|s3:(GetObject\*?|List\*?|ListBucket|\*)|sqs:ReceiveMessage|kinesis:(GetRecords|SubscribeToShard))$/;

/** The service names of the functions whose policies can read the store. */
const readersOf = (store: string): string[] =>
  Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'))
    .filter(([id]) => [...allowedActionsOf(template, id)].some(([action, on]) => READ_ACTION.test(action) && JSON.stringify(on).includes(`"${store}"`)))
    .map(([, fn]) => (fn.Properties?.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME!);

const days = (seconds: number) => `${seconds / 86_400} days`;

describe('docs/data-inventory.md', () => {
  const rows = inventory();

  it('has a row for every table, bucket, stream and queue of the template, and none for what is not there', () => {
    expect([...rows.keys()].sort()).toEqual(stores.map(([id]) => id).sort());
  });

  it.each(stores)('states the retention %s has in the template', (id, store) => {
    const row = rows.get(id) ?? '';
    const p = store.Properties ?? {};
    if (store.Type === 'AWS::DynamoDB::Table') expect(row.includes(`TTL \`${p.TimeToLiveSpecification?.AttributeName}\``)).toBe(p.TimeToLiveSpecification !== undefined);
    if (store.Type === 'AWS::SQS::Queue') expect(row).toContain(days(p.MessageRetentionPeriod ?? 4 * 86_400));
    if (store.Type === 'AWS::Kinesis::Stream') expect(row).toContain(`${p.RetentionPeriodHours} hours`);
    for (const rule of p.LifecycleConfiguration?.Rules ?? []) expect(row).toContain(rule.Prefix ? `\`${rule.Prefix}\` ${rule.ExpirationInDays} days` : `${rule.ExpirationInDays} days`);
  });

  it.each(stores)('names every function that can read %s', (id) => {
    const row = rows.get(id) ?? '';
    for (const service of readersOf(id)) expect(row).toContain(`\`${service}\``);
  });

  it('says how each store is encrypted, and each one is', () => {
    for (const [id, store] of stores) {
      const p = store.Properties ?? {};
      const encrypted = p.SSESpecification?.SSEEnabled || p.BucketEncryption || p.StreamEncryption || p.SqsManagedSseEnabled || p.KmsMasterKeyId;
      expect([id, Boolean(encrypted)]).toEqual([id, true]);
      expect(rows.get(id)).toMatch(/SSE|KMS/);
    }
  });
});
