import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PushSender } from '../core/ports';
import { classifySnsPublishError } from './sns-send-errors';

/**
 * Mobile push through an SNS platform endpoint (`TargetArn`), one JSON message per platform. Failures
 * come out classified (see {@link classifySnsPublishError}); the endpoint ARN is never put in an error.
 */
export class SnsPushSender implements PushSender {
  constructor(private readonly client: SNSClient) {}

  async send(endpointArn: string, message: string): Promise<string> {
    try {
      const { MessageId } = await this.client.send(new PublishCommand({ TargetArn: endpointArn, Message: message, MessageStructure: 'json' }));
      return MessageId ?? '';
    } catch (error) {
      throw classifySnsPublishError(error);
    }
  }
}
