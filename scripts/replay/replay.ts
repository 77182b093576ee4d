/**
 * npm run replay [-- <file>] [--rate <events/s>] [--sample <n>] [--endpoint <url>] [--api-key <key>]
 *
 * Replays the UCI Online Retail dataset shipped in events/datasets/ (or a file of the same shape) through the ingest endpoint of a
 * running local stack (`npm start`), or of a deployed stack with --endpoint and --api-key.
 */
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { ONLINE_RETAIL_DATASET } from './dataset';
import { readRetailLines, toEvents } from './online-retail';
import { postEvents } from './post-batches';
import { LOCAL_API_KEY, LOCAL_INGEST_PORT } from '../local-stack/local-defaults';

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rate: { type: 'string', default: '0' },
      sample: { type: 'string', default: '1' },
      endpoint: { type: 'string', default: `http://127.0.0.1:${LOCAL_INGEST_PORT}` },
      'api-key': { type: 'string', default: LOCAL_API_KEY },
      concurrency: { type: 'string', default: '4' },
    },
  });
  const file = positionals[0] ?? ONLINE_RETAIL_DATASET;
  const events = await toEvents(readRetailLines(file), { sampleEvery: Number(values.sample) });
  console.log(`replaying ${events.length} events from ${file} to ${values.endpoint}${Number(values.rate) ? ` at ${values.rate} events/s` : ' as fast as it takes them'}`);

  const bar = process.stdout.isTTY ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} events | {eta_formatted} left' }, Presets.shades_classic) : undefined;
  bar?.start(events.length, 0);
  let lastLogged = 0;
  const summary = await postEvents(events, {
    endpoint: values.endpoint!,
    apiKey: values['api-key']!,
    rate: Number(values.rate),
    concurrency: Number(values.concurrency),
    onProgress: (sent) => {
      bar?.update(sent);
      if (!bar && sent - lastLogged >= events.length / 10) {
        lastLogged = sent;
        console.log(`  ${sent}/${events.length} events`);
      }
    },
  });
  bar?.stop();
  const seconds = summary.elapsedMs / 1000;
  console.log(
    `done: ${summary.accepted} accepted, ${summary.rejected} rejected, ${summary.requests} requests (${summary.retries} retried) in ${seconds.toFixed(1)} s = ${Math.round(summary.accepted / seconds)} events/s`,
  );
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
