import type { StreamRecord } from '../../../../layers/core/contract/accept-batch';
import type { EventSink } from '../../../../layers/core/ports';
import { ingestRequest, MAX_BODY_BYTES } from '../../../../functions/ingest/ingest-request';
import { apiGatewayEventFactory } from '../../../helpers/api-gateway-event-factory';
import { eventFactory } from '../../../helpers/factories';

class RecordingSink implements EventSink {
  readonly records: StreamRecord[] = [];
  fail = false;
  async put(records: readonly StreamRecord[]) {
    if (this.fail) throw new Error('ProvisionedThroughputExceededException');
    this.records.push(...records);
  }
}

const NOW = new Date('2026-11-22T10:10:00.000Z');
const bodyOf = (outcome: { response: { body: string } }) => JSON.parse(outcome.response.body);

describe('ingestRequest', () => {
  let sink: RecordingSink;
  beforeEach(() => {
    sink = new RecordingSink();
  });

  it('streams a valid batch and answers 200 with the count', async () => {
    // Act
    const outcome = await ingestRequest(apiGatewayEventFactory({ events: [eventFactory(), eventFactory({ type: 'login' })] }), sink, NOW);

    // Assess
    expect(outcome.response.statusCode).toBe(200);
    expect(bodyOf(outcome)).toEqual({ accepted: 2, rejected: [] });
    expect(sink.records.map((r) => r.event.receivedAt)).toEqual([NOW.toISOString(), NOW.toISOString()]);
  });

  it('accepts the good events of a mixed batch and lists the bad ones by index', async () => {
    // Act
    const outcome = await ingestRequest(apiGatewayEventFactory({ events: [eventFactory(), { type: 'login', userId: 'u' }] }), sink, NOW);

    // Assess
    expect(outcome.response.statusCode).toBe(200);
    expect(bodyOf(outcome)).toEqual({
      accepted: 1,
      rejected: [{ index: 1, errors: expect.arrayContaining([{ path: 'insertId', code: 'MISSING_FIELD', message: 'is required' }]) }],
    });
  });

  it.each([
    ['INVALID_JSON', '{"events": [', 400],
    ['INVALID_BATCH', { events: [] }, 400],
    ['INVALID_BATCH', { items: [eventFactory()] }, 400],
    ['NO_VALID_EVENTS', { events: [{ type: 'login' }] }, 400],
    ['PAYLOAD_TOO_LARGE', 'x'.repeat(MAX_BODY_BYTES + 1), 413],
  ])('answers %s for a bad request', async (code, body, statusCode) => {
    // Act
    const outcome = await ingestRequest(apiGatewayEventFactory(body), sink, NOW);

    // Assess
    expect(outcome.response.statusCode).toBe(statusCode);
    expect(bodyOf(outcome).error.code).toBe(code);
    expect(sink.records).toHaveLength(0);
  });

  it('answers 503 with Retry-After, never 200, when the stream refuses the events', async () => {
    // Prepare
    sink.fail = true;

    // Act
    const outcome = await ingestRequest(apiGatewayEventFactory({ events: [eventFactory()] }), sink, NOW);

    // Assess
    expect(outcome.response.statusCode).toBe(503);
    expect(outcome.response.headers).toMatchObject({ 'Retry-After': '1' });
    expect(bodyOf(outcome).error.code).toBe('STREAM_UNAVAILABLE');
  });

  it('reads a base64-encoded body', async () => {
    // Prepare
    const body = Buffer.from(JSON.stringify({ events: [eventFactory()] })).toString('base64');

    // Act
    const outcome = await ingestRequest(apiGatewayEventFactory(body, { isBase64Encoded: true }), sink, NOW);

    // Assess
    expect(outcome.response.statusCode).toBe(200);
  });

  it.each([
    ['a purchase price that overflows to Infinity', '"price": 1e999', 'properties.items[0].price', 'OUT_OF_RANGE'],
    ['an unknown time zone', '"timeZone": "Mars/Olympus"', 'properties.timeZone', 'UNKNOWN_TIME_ZONE'],
    ['a timestamp in year 0001', '"timestamp": "0001-01-01T00:00:00Z"', 'timestamp', 'OUT_OF_RANGE'],
  ])('answers %s with 400 and the field’s code, streaming nothing', async (_, field, path, code) => {
    // Prepare: the raw JSON as an app sends it (1e999 only becomes Infinity when parsed)
    const event = field.startsWith('"price"')
      ? `{"type":"purchase","insertId":"hostile-0001","userId":"u-1","timestamp":"2026-11-22T10:00:00Z","properties":{"orderId":"o-1","currency":"GBP","items":[{"productId":"P-1","quantity":1,${field}}]}}`
      : field.startsWith('"timeZone"')
        ? `{"type":"identify","insertId":"hostile-0002","userId":"u-1","timestamp":"2026-11-22T10:00:00Z","properties":{${field}}}`
        : `{"type":"login","insertId":"hostile-0003","userId":"u-1",${field}}`;

    // Act
    const outcome = await ingestRequest(apiGatewayEventFactory(`{"events":[${event}]}`), sink, NOW);

    // Assess
    expect(outcome.response.statusCode).toBe(400);
    expect(bodyOf(outcome).error).toMatchObject({ code: 'NO_VALID_EVENTS', rejected: [{ index: 0, errors: [expect.objectContaining({ path, code })] }] });
    expect(sink.records).toHaveLength(0);
  });
});
