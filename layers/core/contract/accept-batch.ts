import { profileKeyOf, type IngestedEvent } from './pipeline-event';
import { validateEvent, type FieldError } from './validate-event';

export interface RejectedEvent {
  /** Position of the event in the request's `events` array. */
  index: number;
  errors: FieldError[];
}

export interface StreamRecord {
  /** The user (or anonymous id): all of a user's events land on one shard, in order. */
  partitionKey: string;
  event: IngestedEvent;
}

export interface AcceptedBatch {
  records: StreamRecord[];
  rejected: RejectedEvent[];
}

/**
 * Splits a request's events into the ones to stream (stamped with the server's receive time) and the
 * rejected ones with the exact fields at fault, so one bad event never costs the good ones.
 */
export const acceptBatch = (events: readonly unknown[], receivedAt: Date): AcceptedBatch => {
  const records: StreamRecord[] = [];
  const rejected: RejectedEvent[] = [];
  events.forEach((candidate, index) => {
    const result = validateEvent(candidate);
    if (!result.ok) {
      rejected.push({ index, errors: result.errors });
      return;
    }
    const event: IngestedEvent = { ...result.value, receivedAt: receivedAt.toISOString() };
    records.push({ partitionKey: profileKeyOf(event), event });
  });
  return { records, rejected };
};
