/**
 * npm run bench [-- --sample <n>] [--skip-pipeline] [--skip-deliver]
 *
 * Prints, for the UCI Online Retail replay: the core fold's throughput (events/s on one core, no I/O);
 * deliver's throughput and DynamoDB requests per message (deliver-throughput.ts); then, through the local
 * stack with the seed campaigns active (pipeline-cost.ts), DynamoDB write units and requests per event by
 * table, profile item sizes, PutRecords calls per 1,000 events, end-to-end throughput and peak memory.
 * Figures, not pass/fail: the targets are printed beside them (test/e2e/bench-cost.test.ts holds the
 * write-unit budget).
 */
import { parseArgs } from 'node:util';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
import { ONLINE_RETAIL_DATASET } from '../replay/dataset';
import { readRetailLines, toEvents } from '../replay/online-retail';
import { benchDeliver, printDeliverBench } from './deliver-throughput';
import { benchFold } from './fold-throughput';
import { benchPipeline, printPipelineBench } from './pipeline-cost';

const main = async () => {
  const { values } = parseArgs({ options: { sample: { type: 'string', default: '1' }, 'skip-pipeline': { type: 'boolean', default: false }, 'skip-deliver': { type: 'boolean', default: false } } });
  const sampleEvery = Number(values.sample);
  const events = await toEvents(readRetailLines(ONLINE_RETAIL_DATASET), { sampleEvery });
  console.log(`dataset: ${events.length} events (${events.filter((e) => e.type === 'purchase').length} purchases), sample 1/${sampleEvery}`);

  benchFold(events.slice(0, 20_000)); // warm up the JIT
  const fold = benchFold(events);
  console.log(`fold (core, no I/O):  ${fold.eventsPerSecond.toLocaleString('en')} events/s on one core over ${fold.events} events, ${fold.profiles} profiles   [target ≥ 50,000]`);
  if (!values['skip-deliver']) {
    const concurrency = 8;
    printDeliverBench(await benchDeliver({ messages: 2_000, concurrency }), concurrency);
  }
  if (values['skip-pipeline']) return;
  printPipelineBench(await benchPipeline(events));
};

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
