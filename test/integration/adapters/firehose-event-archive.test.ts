import { FirehoseEventArchive } from '../../../layers/adapters/firehose-event-archive';
import type { IngestedEvent } from '../../../layers/core/contract/pipeline-event';
import { PartialWriteError } from '../../../layers/core/errors';
import { ingestedEventFactory } from '../../helpers/factories';
import { startLocalFirehose } from '../../helpers/local-firehose';

const STREAM = 'local-EventsArchive';
/** Firehose bills ingestion per record, rounded up to the next 5 KB. */
const billedBytes = (records: readonly Buffer[]) => records.reduce((sum, r) => sum + Math.ceil(r.length / 5_120) * 5_120, 0);

/** The adapter with the real SDK client against the local Firehose endpoint (JSON 1.1 wire protocol). */
describe('FirehoseEventArchive against the local Firehose endpoint', () => {
  let firehose: Awaited<ReturnType<typeof startLocalFirehose>>;
  let delivered: Buffer[];

  beforeAll(async () => {
    firehose = await startLocalFirehose(STREAM);
    delivered = firehose.records;
  });
  afterAll(() => firehose?.stop());
  beforeEach(() => delivered.splice(0));

  const lines = () => delivered.map((r) => r.toString('utf8')).join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as IngestedEvent);

  it('packs the events as JSON lines, several per record, without the contact addresses of identify', async () => {
    // Prepare
    const identify = ingestedEventFactory({ type: 'identify', properties: { phoneNumber: '+447700900123', pushEndpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/x', traits: { region: 'EU' } } });
    const events = [identify, ...Array.from({ length: 499 }, () => ingestedEventFactory({ type: 'product_view' }))];

    // Act
    const result = await new FirehoseEventArchive(firehose.client, STREAM).put(events);

    // Assess
    expect(lines().map((e) => e.insertId)).toEqual(events.map((e) => e.insertId));
    expect(lines()[0]!.properties).toEqual({ traits: { region: 'EU' } });
    expect(result).toEqual({ records: delivered.length, bytes: delivered.reduce((sum, r) => sum + r.length, 0) });
    const perEvent = { bytes: result.bytes / events.length, billed: billedBytes(delivered) / events.length };
    // Firehose billing: one record per event would bill 5,120 bytes per event.
    console.log(`archive: ${events.length} events in ${result.records} record(s), ${perEvent.bytes.toFixed(0)} bytes per event, ${perEvent.billed.toFixed(0)} bytes billed per event`);
    expect(perEvent.billed).toBeLessThan(perEvent.bytes + 100);
  });

  it('puts the records Firehose refused again, and throws only when they stay refused', async () => {
    // Prepare
    const events = [ingestedEventFactory(), ingestedEventFactory()];
    const archive = new FirehoseEventArchive(firehose.client, STREAM, { maxAttempts: 2, startingDelayMs: 1 });

    // Act
    firehose.server.refuseNext(1);
    await archive.put(events);
    const firstLines = lines();
    firehose.server.refuseNext(2);
    const refused = archive.put(events);

    // Assess
    expect(firstLines.map((e) => e.insertId)).toEqual(events.map((e) => e.insertId));
    await expect(refused).rejects.toThrow(PartialWriteError);
  });
});
