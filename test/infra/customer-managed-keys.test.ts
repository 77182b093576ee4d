import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAG_PACK } from '../../infra/nag';
import { resolvePipelineConfig } from '../../infra/config';
import { encryptionRows } from '../../layers/core/audit/quarterly-audit';
import { allowedActionsOf, resourcesOfType, synthPipeline } from './synth-pipeline';

const withKeys = synthPipeline({ validateTemplates: true, context: { 'pipeline:customerManagedKeys': true } });
const template = withKeys.template;
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, any> }>;
const DATA_KEY = { 'Fn::GetAtt': ['DataKey', 'Arn'] };

describe('pipeline:customerManagedKeys', () => {
  it('encrypts every table, the stream, every queue and topic, every bucket and the Athena results with DataKey', () => {
    const of = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
    for (const [id, table] of of('AWS::DynamoDB::Table')) expect([id, table.Properties?.SSESpecification]).toEqual([id, { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: DATA_KEY }]);
    for (const [id, stream] of of('AWS::Kinesis::Stream')) expect([id, stream.Properties?.StreamEncryption]).toEqual([id, { EncryptionType: 'KMS', KeyId: DATA_KEY }]);
    for (const [id, queue] of of('AWS::SQS::Queue')) expect([id, queue.Properties?.KmsMasterKeyId, queue.Properties?.SqsManagedSseEnabled]).toEqual([id, DATA_KEY, undefined]);
    for (const [id, topic] of of('AWS::SNS::Topic')) expect([id, topic.Properties?.KmsMasterKeyId]).toEqual([id, DATA_KEY]);
    for (const [id, bucket] of of('AWS::S3::Bucket')) {
      expect([id, bucket.Properties?.BucketEncryption.ServerSideEncryptionConfiguration[0]]).toEqual([id, { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: DATA_KEY }, BucketKeyEnabled: true }]);
    }
    const [workGroup] = of('AWS::Athena::WorkGroup');
    expect(workGroup![1].Properties?.WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_KMS', KmsKey: DATA_KEY });
    expect(resources.DataKey?.Properties).toMatchObject({ EnableKeyRotation: true, Description: expect.stringContaining('pipeline:customerManagedKeys') });
  });

  it('leaves nothing unencrypted in the quarterly audit, the alarm topics included', () => {
    const rows = encryptionRows(template.toJSON() as never);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(rows.filter((r) => ['Alerts', 'Reviews', 'Profiles', 'Events', 'Models'].includes(r.resource)).map((r) => r.encryption)).toEqual(Array(5).fill('customer-managed'));
  });

  it('lets every function use the key to encrypt and decrypt, and CloudWatch alarms publish to the encrypted topics', () => {
    for (const id of Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'))) {
      const allowed = allowedActionsOf(template, id);
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) expect([id, action, JSON.stringify(allowed.get(action))]).toEqual([id, action, expect.stringContaining('"DataKey"')]);
    }
    const policy = JSON.stringify(resources.DataKey?.Properties?.KeyPolicy);
    expect(policy).toContain('cloudwatch.amazonaws.com');
    expect(policy).toContain('aws:SourceAccount');
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = JSON.parse(readFileSync(join(withKeys.app.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { pluginName: string; violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[] };
    const nag = report.pluginReports.find((r) => r.pluginName === NAG_PACK);
    expect(nag?.violations.map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
  });

  it('is on by default for the prod stage only, and can be set either way', () => {
    const config = (context: Record<string, unknown>) => resolvePipelineConfig({ node: { tryGetContext: (key: string) => context[key] } } as never).customerManagedKeys;
    expect([config({}), config({ 'pipeline:stage': 'staging' }), config({ 'pipeline:stage': 'prod' })]).toEqual([false, false, true]);
    expect([config({ 'pipeline:stage': 'prod', 'pipeline:customerManagedKeys': false }), config({ 'pipeline:customerManagedKeys': 'true' })]).toEqual([false, true]);
  });

  it('changes nothing when off: AWS-managed keys as before', () => {
    const plain = synthPipeline().template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, any> }>;
    expect(plain.DataKey).toBeUndefined();
    expect(plain.Profiles?.Properties?.SSESpecification).toEqual({ SSEEnabled: true });
  });
});
