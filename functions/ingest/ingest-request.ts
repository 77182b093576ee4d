import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { acceptBatch, type RejectedEvent } from '../../layers/core/contract/accept-batch';
import { validateBatchEnvelope, type FieldError } from '../../layers/core/contract/validate-event';
import type { EventSink } from '../../layers/core/ports';

/**
 * Largest request body accepted, in bytes. 500 events of about 2 KiB each fit with room to spare; a
 * larger body is almost surely a client bug, and PutRecords would need several calls for it.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Machine-readable error codes of `POST /v1/events`; the README documents each one. */
export type IngestErrorCode = 'INVALID_JSON' | 'INVALID_BATCH' | 'NO_VALID_EVENTS' | 'PAYLOAD_TOO_LARGE' | 'STREAM_UNAVAILABLE';

export interface IngestOutcome {
  response: APIGatewayProxyResult;
  accepted: number;
  rejected: number;
}

/** Handles one `POST /v1/events` request: everything between API Gateway and the stream. */
export const ingestRequest = async (request: APIGatewayProxyEvent, sink: EventSink, receivedAt: Date): Promise<IngestOutcome> => {
  const raw = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : (request.body ?? '');
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    return failure(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes; send smaller batches`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return failure(400, 'INVALID_JSON', 'the body is not valid JSON');
  }
  const envelope = validateBatchEnvelope(body);
  if (!envelope.ok) return failure(400, 'INVALID_BATCH', 'the body is not an event batch', { errors: envelope.errors });

  const { records, rejected } = acceptBatch(envelope.value.events, {
    receivedAt,
    sourceIp: request.requestContext?.identity?.sourceIp,
  });
  if (records.length === 0) {
    return failure(400, 'NO_VALID_EVENTS', 'no event in the batch is valid', { rejected }, rejected.length);
  }
  try {
    await sink.put(records);
  } catch {
    // Not the client's fault and nothing was promised: 503 tells it to retry the batch; insertIds dedup it.
    return failure(503, 'STREAM_UNAVAILABLE', 'events could not be stored; retry the batch', {}, 0, { 'Retry-After': '1' });
  }
  return {
    response: json(200, { accepted: records.length, rejected }),
    accepted: records.length,
    rejected: rejected.length,
  };
};

const failure = (
  statusCode: number,
  code: IngestErrorCode,
  message: string,
  detail: { errors?: FieldError[]; rejected?: RejectedEvent[] } = {},
  rejected = 0,
  headers: Record<string, string> = {},
): IngestOutcome => ({
  response: json(statusCode, { error: { code, message, ...detail } }, headers),
  accepted: 0,
  rejected,
});

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
