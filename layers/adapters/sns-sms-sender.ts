import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from '../core/ports';
import { classifySnsPublishError } from './sns-send-errors';

/**
 * SMS through SNS (`PhoneNumber`). The SMS type tells SNS how to route it: `Transactional` (highest
 * reliability) for transactional campaigns, `Promotional` (lowest cost) for marketing. The number is
 * never put in an error or a log.
 */
export class SnsSmsSender implements SmsSender {
  constructor(private readonly client: SNSClient) {}

  async send(phoneNumber: string, text: string, smsType: 'Transactional' | 'Promotional'): Promise<string> {
    try {
      const { MessageId } = await this.client.send(
        new PublishCommand({
          PhoneNumber: phoneNumber,
          Message: text,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: smsType } },
        }),
      );
      return MessageId ?? '';
    } catch (error) {
      throw classifySnsPublishError(error);
    }
  }
}
