import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalResource } from './cfn-template';
import { toAttributeString, type ProvisionRequest, type ResourceProvisioner } from './provision-clients';

/** Queue properties that are also queue attributes of the same name. */
const ATTRIBUTE_PROPERTIES = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'DelaySeconds',
  'FifoQueue',
  'FifoThroughputLimit',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'RedriveAllowPolicy',
  'RedrivePolicy',
  'VisibilityTimeout',
] as const;

/**
 * `AWS::SQS::Queue` with its attributes; `RedrivePolicy.deadLetterTargetArn` arrives resolved to the
 * dead-letter queue's local ARN, which exists already because dependencies are created first. fauxqs
 * honours the redrive policy: a message received more than `maxReceiveCount` times moves to the DLQ on
 * the next receive. Encryption settings are left out (KmsMasterKeyId may name a key that is not local).
 */
export const sqsQueueProvisioner: ResourceProvisioner = {
  usedProperties: ATTRIBUTE_PROPERTIES,
  async create({ logicalId, name, properties, clients }: ProvisionRequest): Promise<LocalResource> {
    const attributes: Record<string, string> = {};
    for (const property of ATTRIBUTE_PROPERTIES) {
      if (properties[property] !== undefined) attributes[property] = toAttributeString(properties[property]);
    }
    const { QueueUrl: url } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!url) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    const arn = Attributes?.QueueArn ?? '';
    return { logicalId, type: 'AWS::SQS::Queue', name, arn, url, ref: url, attributes: { Arn: arn, QueueName: name, QueueUrl: url } };
  },
};
