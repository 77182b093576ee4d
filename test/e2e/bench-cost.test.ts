import { existsSync } from 'node:fs';
import { benchDeliver } from '../../scripts/bench/deliver-throughput';
import { benchPipeline, WRITE_UNITS_PER_EVENT_BUDGET, writeUnitsPerEvent, type PipelineBenchResult } from '../../scripts/bench/pipeline-cost';
import { SEEN_INSERT_IDS_MAX_BYTES } from '../../layers/core/profile/seen-insert-ids';
import { ONLINE_RETAIL_DATASET } from '../../scripts/replay/dataset';
import { readRetailLines, toEvents } from '../../scripts/replay/online-retail';

/** Every 100th customer (by id): about 40 customers and 3,700 events, the whole year, seed campaigns active. */
const SAMPLE_EVERY = 100;

/**
 * `npm run bench`'s parts on a small fixed sample: what DynamoDB would bill for the replay stays within
 * budget, and neither the pipeline part nor the deliver part crashes. Counted, not timed: write units
 * come from the requests made, whatever the machine's speed.
 */
describe('the bench', () => {
  let pipeline: PipelineBenchResult;
  let events: number;

  beforeAll(async () => {
    if (!existsSync(ONLINE_RETAIL_DATASET)) throw new Error(`the dataset is missing: ${ONLINE_RETAIL_DATASET} (see events/datasets/README.md)`);
    const sample = await toEvents(readRetailLines(ONLINE_RETAIL_DATASET), { sampleEvery: SAMPLE_EVERY });
    events = sample.length;
    pipeline = await benchPipeline(sample, { settleTimeoutMs: 120_000 });
  }, 180_000);

  it(`replays the sample within ${WRITE_UNITS_PER_EVENT_BUDGET} DynamoDB write units per event`, () => {
    // Assess
    expect(pipeline.accepted).toBe(events);
    expect(pipeline.writes.unmeasured).toBe(0);
    expect(writeUnitsPerEvent(pipeline)).toBeLessThanOrEqual(WRITE_UNITS_PER_EVENT_BUDGET);
  });

  it('keeps the deduplication window of every profile item within its bound', () => {
    // Assess
    expect(pipeline.profiles.items).toBeGreaterThan(0);
    expect(pipeline.profiles.dedup.max).toBeLessThanOrEqual(SEEN_INSERT_IDS_MAX_BYTES + 'seenInsertIds'.length);
  });

  it('runs the deliver part: every intent sent', async () => {
    // Act
    const deliver = await benchDeliver({ messages: 100, concurrency: 2 });

    // Assess
    expect(deliver.sent).toBe(100);
    expect(deliver.requestsPerMessage).toBeGreaterThan(0);
  }, 120_000);
});
