import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MappingEndpoint } from '../template/resolve-event-source-mappings';

/** Clients for the on-failure destinations of stream mappings. */
export interface DestinationClients {
  readonly sqs?: SQSClient;
  readonly sns?: SNSClient;
}

/** Sends one JSON document to a queue or topic, as Lambda sends an on-failure record. */
export type DestinationSender = (payload: unknown) => Promise<void>;

/** A sender for `destination`; throws at once if the client it needs was not given. */
export const createDestinationSender = (destination: MappingEndpoint, clients: DestinationClients): DestinationSender => {
  if (destination.kind === 'sqs') {
    const { sqs } = clients;
    if (!sqs || !destination.url) throw new Error(`the on-failure queue ${destination.name} needs an SQS client and a queue URL`);
    return async (payload) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: destination.url, MessageBody: JSON.stringify(payload) }));
    };
  }
  if (destination.kind === 'sns') {
    const { sns } = clients;
    if (!sns) throw new Error(`the on-failure topic ${destination.name} needs an SNS client`);
    return async (payload) => {
      await sns.send(new PublishCommand({ TopicArn: destination.arn, Message: JSON.stringify(payload) }));
    };
  }
  throw new Error(`${destination.name} (${destination.kind}) cannot be an on-failure destination`);
};
