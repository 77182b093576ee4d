import { Aspects, type IAspect, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { pinLogicalId } from './logical-id';
import { acknowledgeNagFinding } from './nag';

/** What the data key's users may do with it: encrypt (data keys) and decrypt, nothing else. */
const KEY_USE = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * `pipeline:customerManagedKeys`: one customer-managed key, `DataKey` (rotation on), encrypts every
 * table, the stream, every queue and topic, every bucket and the Athena results, in place of AWS-managed
 * and service keys. Applied as an aspect over the finished stack, so no construct has to know: a store
 * added later is covered the day it is added (test/infra/customer-managed-keys.test.ts checks every one).
 *
 * Who can use the key: every IAM role of the stack (each one moves this stack's data: functions, state
 * machines, Firehose, Scheduler, the SNS-to-Firehose subscription) gets Decrypt and GenerateDataKey on
 * it, and the key policy lets CloudWatch alarms publish to the encrypted topics, which AWS-managed SNS
 * keys never allowed (why `Alerts` and `Reviews` had no encryption). The field-level `FieldKey` stays as
 * it is: its narrower grants are the point of it.
 */
export const applyCustomerManagedKey = (stack: Stack, removalPolicy: RemovalPolicy, options: { personalizeRoleArn?: string } = {}): kms.Key => {
  const key = pinLogicalId(
    new kms.Key(stack, 'DataKey', {
      description: 'Encryption at rest of the pipeline\'s tables, stream, queues, topics and buckets (pipeline:customerManagedKeys)',
      enableKeyRotation: true,
      removalPolicy,
    }),
    'DataKey',
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: KEY_USE,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  if (options.personalizeRoleArn) {
    // The team's Personalize role reads the exports retraining writes to the (now KMS-encrypted) Models bucket.
    key.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'PersonalizeReadsExports', principals: [new iam.ArnPrincipal(options.personalizeRoleArn)], actions: ['kms:Decrypt'], resources: ['*'] }),
    );
  }
  Aspects.of(stack).add(new EncryptWith(key));
  return key;
};

class EncryptWith implements IAspect {
  private readonly granted = new Set<iam.Role>();

  constructor(private readonly key: kms.Key) {}

  visit(node: IConstruct): void {
    const arn = this.key.keyArn;
    if (node instanceof dynamodb.CfnTable) node.sseSpecification = { sseEnabled: true, sseType: 'KMS', kmsMasterKeyId: arn };
    else if (node instanceof kinesis.CfnStream) {
      node.streamEncryption = { encryptionType: 'KMS', keyId: arn };
      acknowledgeNagFinding(
        node.node.scope ?? node,
        'AwsSolutions-KDS3',
        'pipeline:customerManagedKeys asks for a key the account controls on every store, the stream included; its KMS calls (per producer and consumer data key) are the accepted cost of that choice.',
      );
    }
    else if (node instanceof sqs.CfnQueue) {
      node.kmsMasterKeyId = arn;
      node.sqsManagedSseEnabled = undefined;
    } else if (node instanceof sns.CfnTopic) node.kmsMasterKeyId = arn;
    else if (node instanceof s3.CfnBucket) {
      // A bucket key: one data key per bucket and period instead of a KMS call per object.
      node.bucketEncryption = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: arn }, bucketKeyEnabled: true }] };
    } else if (node instanceof athena.CfnWorkGroup) {
      node.addPropertyOverride('WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration', { EncryptionOption: 'SSE_KMS', KmsKey: arn });
    } else if (node instanceof iam.Role && !this.granted.has(node)) {
      this.granted.add(node);
      node.addToPrincipalPolicy(new iam.PolicyStatement({ actions: KEY_USE, resources: [arn] }));
    }
  }
}
