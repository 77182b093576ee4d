import { CheckIfPhoneNumberIsOptedOutCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SmsOptOuts } from '../core/ports';

/** The account's SMS opt-out list (people who replied STOP), through `CheckIfPhoneNumberIsOptedOut`. */
export class SnsSmsOptOuts implements SmsOptOuts {
  constructor(private readonly client: SNSClient) {}

  async isOptedOut(phoneNumber: string): Promise<boolean> {
    const { isOptedOut } = await this.client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
    return isOptedOut === true;
  }
}
