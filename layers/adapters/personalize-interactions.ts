import { PutEventsCommand, type PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import type { InteractionSink } from '../core/ports';
import type { Interaction } from '../core/recommendations/interaction';

/** PutEvents takes at most 10 events per call, all of one user and session. */
const EVENTS_PER_CALL = 10;

/**
 * Sends interactions to an Amazon Personalize event tracker as they happen (PutEvents), so the
 * campaign's real-time personalisation sees them before the nightly retraining. One call per user and
 * up to 10 events, each sent at the event's own time. The session is the user: the event contract has no
 * session id (its `context` allows none). The event type is the interaction kind (`view`, `add_to_cart`,
 * `purchase`), as the training export writes it, so live and imported interactions match.
 */
export class PersonalizeInteractions implements InteractionSink {
  constructor(
    private readonly client: PersonalizeEventsClient,
    private readonly trackingId: string,
  ) {}

  /** Never throws: resolves with how many interactions Personalize took and how many it did not. */
  async send(interactions: readonly Interaction[]): Promise<{ sent: number; failed: number }> {
    const byUser = new Map<string, Interaction[]>();
    for (const interaction of interactions) byUser.set(interaction.userId, [...(byUser.get(interaction.userId) ?? []), interaction]);
    const calls: { userId: string; events: Interaction[] }[] = [];
    for (const [userId, events] of byUser) {
      for (let start = 0; start < events.length; start += EVENTS_PER_CALL) calls.push({ userId, events: events.slice(start, start + EVENTS_PER_CALL) });
    }
    const results = await Promise.allSettled(
      calls.map(async ({ userId, events }) =>
        this.client.send(
          new PutEventsCommand({
            trackingId: this.trackingId,
            userId,
            sessionId: userId,
            eventList: events.map((event) => ({ eventType: event.kind, itemId: event.itemId, sentAt: new Date(event.at) })),
          }),
        ),
      ),
    );
    const failed = results.reduce((sum, result, index) => sum + (result.status === 'rejected' ? calls[index]!.events.length : 0), 0);
    return { sent: interactions.length - failed, failed };
  }
}
