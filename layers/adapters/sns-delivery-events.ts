import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Intent } from '../core/messaging/intent';
import type { FunnelFacts } from '../core/kpis/funnel';
import type { DeliveryEvents, MessageOutcome } from '../core/ports';

/**
 * Publishes each delivery outcome to the delivery-events topic. The payload names the user by id only:
 * no endpoint, phone number or content, so subscribers cannot leak personal data they never received.
 */
export class SnsDeliveryEvents implements DeliveryEvents {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(intent: Intent, outcome: MessageOutcome, at: Date, funnel?: FunnelFacts): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify({
          messageId: intent.messageId,
          userId: intent.userId,
          campaignId: intent.campaignId,
          // The channel actually used (a fallback may differ from the intent's first choice).
          channel: ('channel' in outcome && outcome.channel) || intent.channel,
          at: at.toISOString(),
          ...outcome,
          // The counters' time, channel and variant of a final decision: the SQL funnel groups by them.
          ...funnel,
        }),
        MessageAttributes: {
          status: { DataType: 'String', StringValue: outcome.status },
          campaignId: { DataType: 'String', StringValue: intent.campaignId },
          ...('reason' in outcome && { reason: { DataType: 'String', StringValue: outcome.reason } }),
        },
      }),
    );
  }
}
