import type { DeliveryEvents, MessageLog, MessageOutcome, ProfileStore, PushSender } from '../ports';
import { decideDelivery } from './decide-delivery';
import type { Intent } from './intent';
import { renderPush, toSnsPushMessage } from './render-push';

export interface DeliverIntentDeps {
  profiles: ProfileStore;
  log: MessageLog;
  push: PushSender;
  deliveryEvents: DeliveryEvents;
}

export type DeliveryResult = MessageOutcome | { status: 'duplicate' };

/**
 * Delivers one intent at most once. The message id is claimed before anything is sent: a redelivered
 * SQS message or a replayed stream batch finds the claim and stops. A send that fails gives the claim
 * back and throws, so the queue retries it.
 */
export const deliverIntent = async (intent: Intent, deps: DeliverIntentDeps, now: Date): Promise<DeliveryResult> => {
  const decision = decideDelivery(intent, await deps.profiles.load(intent.userId));
  if (!(await deps.log.claim(intent, now))) return { status: 'duplicate' };

  let outcome: MessageOutcome;
  if (decision.send) {
    try {
      const providerMessageId = await deps.push.send(decision.endpointArn, toSnsPushMessage(renderPush(intent)));
      outcome = { status: 'sent', providerMessageId };
    } catch (error) {
      await deps.log.release(intent);
      throw error;
    }
  } else {
    outcome = { status: 'suppressed', reason: decision.reason };
  }
  await deps.log.record(intent, outcome, now);
  await deps.deliveryEvents.publish(intent, outcome, now);
  return outcome;
};
