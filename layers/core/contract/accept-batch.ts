import { maskIp } from './mask-ip';
import { profileKeyOf, type IngestedEvent, type PipelineEvent } from './pipeline-event';
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
 * How far ahead of the server's clock a client timestamp may be. Phones' clocks drift; beyond this the
 * event is kept but its `timestamp` is clamped to the receive time (the original is kept in
 * `clientTimestamp`), so a wrong clock cannot schedule triggers in the future or skew "last seen".
 * Past timestamps are accepted as they are: offline apps flush late and historical imports are legitimate.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export interface RequestContext {
  receivedAt: Date;
  sourceIp?: string;
}

/**
 * Splits a request's events into the ones to stream (stamped with the server's receive time) and the
 * rejected ones with the exact fields at fault, so one bad event never costs the good ones.
 */
export const acceptBatch = (events: readonly unknown[], { receivedAt, sourceIp }: RequestContext): AcceptedBatch => {
  const ipPrefix = maskIp(sourceIp);
  const records: StreamRecord[] = [];
  const rejected: RejectedEvent[] = [];
  events.forEach((candidate, index) => {
    const result = validateEvent(candidate);
    if (!result.ok) {
      rejected.push({ index, errors: result.errors });
      return;
    }
    const event: IngestedEvent = {
      ...clampFuture(result.value, receivedAt),
      receivedAt: receivedAt.toISOString(),
      ...(ipPrefix ? { ipPrefix } : {}),
    };
    records.push({ partitionKey: profileKeyOf(event), event });
  });
  return { records, rejected };
};

const clampFuture = (event: PipelineEvent, receivedAt: Date): PipelineEvent | (PipelineEvent & { clientTimestamp: string }) =>
  Date.parse(event.timestamp) - receivedAt.getTime() > MAX_FUTURE_SKEW_MS
    ? { ...event, timestamp: receivedAt.toISOString(), clientTimestamp: event.timestamp }
    : event;
