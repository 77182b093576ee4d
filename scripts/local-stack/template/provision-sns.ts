import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalResource } from './cfn-template';
import { toAttributeString, toBoolean, type ProvisionClients, type ProvisionRequest, type ResourceProvisioner } from './provision-clients';

/**
 * Subscription protocols the local stack can deliver. fauxqs fans out to SQS only: a `firehose`
 * subscription is an SQS subscription of a queue that stands in for the delivery stream.
 */
export const LOCAL_SUBSCRIPTION_PROTOCOLS: readonly string[] = ['sqs', 'firehose'];

/** Subscription properties that are subscription attributes of the same name. */
const SUBSCRIPTION_ATTRIBUTES = ['RawMessageDelivery', 'FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy', 'DeliveryPolicy'] as const;

const subscribe = async (sns: ProvisionClients['sns'], topicArn: string, protocol: string, endpoint: string, props: Readonly<Record<string, unknown>>) => {
  const attributes: Record<string, string> = {};
  for (const name of SUBSCRIPTION_ATTRIBUTES) {
    if (props[name] !== undefined) attributes[name] = toAttributeString(props[name]);
  }
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, Attributes: attributes, ReturnSubscriptionArn: true }),
  );
  return SubscriptionArn ?? '';
};

/**
 * `AWS::SNS::Topic`, with its inline `Subscription` list (SQS endpoints only). Encryption is left out.
 */
export const snsTopicProvisioner: ResourceProvisioner = {
  usedProperties: ['FifoTopic', 'ContentBasedDeduplication', 'Subscription'],
  async create({ logicalId, name, properties, clients }: ProvisionRequest): Promise<LocalResource> {
    const attributes: Record<string, string> = {};
    if (toBoolean(properties.FifoTopic)) attributes.FifoTopic = 'true';
    if (toBoolean(properties.ContentBasedDeduplication)) attributes.ContentBasedDeduplication = 'true';
    const { TopicArn: arn } = await clients.sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }));
    if (!arn) throw new Error(`CreateTopic ${name} returned no TopicArn`);
    for (const inline of (properties.Subscription as { Protocol?: string; Endpoint?: string }[] | undefined) ?? []) {
      if (inline.Protocol === 'sqs' && inline.Endpoint) {
        await subscribe(clients.sns, arn, inline.Protocol, inline.Endpoint, {});
      }
    }
    return { logicalId, type: 'AWS::SNS::Topic', name, arn, ref: arn, attributes: { TopicArn: arn, TopicName: name } };
  },
};

/** The queue standing in for a delivery stream's Direct PUT input, named after the stream (one per stream). */
const deliveryStreamQueue = async (sqs: ProvisionClients['sqs'], streamArn: string) => {
  const streamName = streamArn.slice(streamArn.indexOf('deliverystream/') + 'deliverystream/'.length);
  const name = `${streamName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 71)}-put`;
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!url) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { name, arn: Attributes?.QueueArn ?? '', url };
};

/**
 * `AWS::SNS::Subscription` of protocol `sqs` or `firehose` (the caller skips the others), with
 * RawMessageDelivery, FilterPolicy and the other subscription attributes. A `firehose` subscription
 * subscribes the delivery stream's stand-in queue instead (see {@link LocalResource.queue}); its
 * `SubscriptionRoleArn` has nothing to grant locally.
 */
export const snsSubscriptionProvisioner: ResourceProvisioner = {
  usedProperties: ['TopicArn', 'Protocol', 'Endpoint', ...SUBSCRIPTION_ATTRIBUTES],
  async create({ logicalId, properties, clients }: ProvisionRequest): Promise<LocalResource> {
    const topicArn = String(properties.TopicArn);
    if (properties.Protocol === 'firehose') {
      const queue = await deliveryStreamQueue(clients.sqs, String(properties.Endpoint));
      const arn = await subscribe(clients.sns, topicArn, 'sqs', queue.arn, properties);
      return { logicalId, type: 'AWS::SNS::Subscription', name: arn, arn, ref: arn, attributes: {}, queue };
    }
    const arn = await subscribe(clients.sns, topicArn, String(properties.Protocol), String(properties.Endpoint), properties);
    return { logicalId, type: 'AWS::SNS::Subscription', name: arn, arn, ref: arn, attributes: {} };
  },
};
