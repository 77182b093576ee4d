import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PushSender } from '../core/ports';

/** Mobile push through an SNS platform endpoint (`TargetArn`), one JSON message per platform. */
export class SnsPushSender implements PushSender {
  constructor(private readonly client: SNSClient) {}

  async send(endpointArn: string, message: string): Promise<string> {
    const { MessageId } = await this.client.send(
      new PublishCommand({ TargetArn: endpointArn, Message: message, MessageStructure: 'json' }),
    );
    return MessageId ?? '';
  }
}
