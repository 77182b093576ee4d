/**
 * npm run bench [-- --sample <n>] [--skip-pipeline] [--skip-deliver]
 *
 * Prints, for the UCI Online Retail replay: the core fold's throughput (events/s on one core, no I/O),
 * then, through the local stack, DynamoDB write requests per event, PutRecords calls per 1,000 events,
 * end-to-end throughput and peak memory; and deliver's throughput and DynamoDB requests per message
 * (deliver-throughput.ts). Figures, not pass/fail: the targets are printed beside them.
 */
import '../local-stack/node20-notice';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../local-stack/local-stack';
import { ONLINE_RETAIL_DATASET, readRetailLines, toEvents } from '../replay/online-retail';
import { postEvents } from '../replay/post-batches';
import { countCommands, WRITE_COMMANDS } from './count-commands';
import { benchDeliver, printDeliverBench } from './deliver-throughput';
import { benchFold } from './fold-throughput';

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

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

  const stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date('2011-12-10T00:00:00Z') });
  try {
    const dynamo = countCommands(stack.clients.dynamo);
    const kinesis = countCommands(stack.clients.kinesis);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const started = Date.now();
    const sent = await postEvents(events, { endpoint: stack.url, apiKey: stack.apiKey });
    const ingestedMs = Date.now() - started;
    await stack.settle(1_800_000);
    const processedMs = Date.now() - started;
    clearInterval(sampler);

    const writes = [...dynamo].filter(([name]) => WRITE_COMMANDS.test(name)).reduce((sum, [, n]) => sum + n, 0);
    const putRecords = kinesis.get('PutRecordsCommand') ?? 0;
    console.log(`replay:               ${sent.accepted} accepted, ${sent.rejected} rejected in ${sent.requests} requests`);
    console.log(`ingest throughput:    ${Math.round(sent.accepted / (ingestedMs / 1000)).toLocaleString('en')} events/s into the stream (HTTP → ingest → kinesalite)`);
    console.log(`end to end:           ${Math.round(sent.accepted / (processedMs / 1000)).toLocaleString('en')} events/s until every profile and intent was processed (${(processedMs / 1000).toFixed(1)} s)`);
    console.log(`DynamoDB writes:      ${writes} = ${(writes / sent.accepted).toFixed(3)} per event   [target ≤ 0.3]   (${[...dynamo].map(([n, c]) => `${n.replace('Command', '')} ${c}`).join(', ')})`);
    console.log(`PutRecords calls:     ${putRecords} = ${((putRecords / sent.accepted) * 1000).toFixed(2)} per 1,000 events`);
    console.log(`peak memory (RSS):    ${mib(peakRss)} for this process (local stack, handlers and replay; emulators run in their own processes); fold heap ${mib(process.memoryUsage().heapUsed)} now`);
  } finally {
    await stack.stop();
  }
};

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
