import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** Notices for people (alerts, the daily review) published to a topic they subscribe to by email. */
export class SnsNotices {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(subject: string, message: string): Promise<void> {
    // SNS subjects: at most 100 ASCII printable characters, no line breaks.
    const safeSubject = subject.replace(/[^\x20-\x7e]/g, '-').slice(0, 100);
    await this.client.send(new PublishCommand({ TopicArn: this.topicArn, Subject: safeSubject, Message: message }));
  }
}
