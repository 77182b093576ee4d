import { gzipSync } from 'node:zlib';
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { DirectPublish } from './emulators/direct-publish-recorder';
import { resourcesOfType, type CfnTemplate } from './template/cfn-template';

/**
 * The functions of the template that a CloudWatch Logs subscription filter feeds (the delivery-status
 * function, on SNS's delivery status log groups): locally there is no CloudWatch Logs, so the local
 * stack writes what SNS would log for each direct publish and hands it to them.
 */
export const resolveLogSubscribers = (template: CfnTemplate): string[] => [
  ...new Set(
    resourcesOfType(template, 'AWS::Logs::SubscriptionFilter').flatMap(([, resource]) => {
      const target = (resource.Properties?.DestinationArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
      return target && template.Resources[target]?.Type === 'AWS::Lambda::Function' ? [target] : [];
    }),
  ),
];

/** What SNS logs for a message it handed to the push service or the carrier (its delivery status line). */
export const deliveryStatusLine = (publish: DirectPublish): string =>
  JSON.stringify({
    notification: { messageId: publish.id, timestamp: publish.receivedAt.toISOString().replace('T', ' ').replace('Z', '') },
    delivery: { ...(publish.kind === 'sms' ? { destination: '+***', smsType: 'Promotional' } : { destination: 'arn:***' }), providerResponse: 'Message has been accepted by phone carrier', dwellTimeMs: 120 },
    status: 'SUCCESS',
  });

/** The CloudWatch Logs subscription event a function gets for lines of one log group. */
export const logsSubscriptionEvent = (logGroup: string, lines: readonly { id: string; line: string; at: number }[]) => ({
  awslogs: {
    data: gzipSync(
      JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '000000000000', logGroup, logStream: 'local', subscriptionFilters: ['local'], logEvents: lines.map(({ id, line, at }) => ({ id, timestamp: at, message: line })) }),
    ).toString('base64'),
  },
});

/**
 * A local queue the delivery status lines wait in: SNS logs a status seconds after the publish, after
 * deliver has recorded the send, so each line is delayed a second before the subscriber gets it.
 */
export const createDeliveryStatusQueue = async (sqs: SQSClient, name: string) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return {
    url: QueueUrl!,
    arn: name,
    log: (publish: DirectPublish) =>
      sqs.send(new SendMessageCommand({ QueueUrl, DelaySeconds: 1, MessageBody: JSON.stringify({ kind: publish.kind, id: publish.id, line: deliveryStatusLine(publish), at: publish.receivedAt.getTime() }) })),
  };
};

/** The SQS records of the queue as one subscription event per log group (SMS and push log apart, as SNS does). */
export const subscriptionEventsOf = (event: SQSEvent, region: string) => {
  const byGroup = new Map<string, { id: string; line: string; at: number }[]>();
  for (const record of event.Records) {
    const { kind, id, line, at } = JSON.parse(record.body) as { kind: 'push' | 'sms'; id: string; line: string; at: number };
    const group = `sns/${region}/000000000000/${kind === 'sms' ? 'DirectPublishToPhoneNumber' : 'app/GCM/local'}`;
    byGroup.set(group, [...(byGroup.get(group) ?? []), { id, line, at }]);
  }
  return [...byGroup].map(([group, lines]) => logsSubscriptionEvent(group, lines));
};
