/**
 * npm run sample -- <name|file> [--as-is]
 *
 * Posts a sample batch (events/samples/<name>-batch.json, or a file) to the running local stack, with
 * its timestamps moved to now (`--as-is` keeps them), and prints the endpoint's answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readLocalState } from './local-stack/local-state';
import { rebaseTimestamps, type SampleBatch } from './samples/rebase-timestamps';

const USAGE = 'usage: npm run sample -- <browse|slice|file.json> [--as-is]';

const main = async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'as-is': { type: 'boolean', default: false } } });
  const [name] = positionals;
  if (!name) throw new Error(USAGE);
  const file = existsSync(name) ? name : join(__dirname, '../events/samples', `${name}-batch.json`);
  if (!existsSync(file)) throw new Error(`no sample ${name} (looked for ${file}); ${USAGE}`);
  const local = readLocalState();
  if (!local) throw new Error('no local stack is running: start one with `npm start` in another terminal');

  const batch = JSON.parse(readFileSync(file, 'utf8')) as SampleBatch;
  const body = values['as-is'] ? batch : rebaseTimestamps(batch, new Date());
  const response = await fetch(`${local.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-api-key': local.apiKey },
    body: JSON.stringify(body),
  });
  console.log(`${response.status} ${await response.text()}`);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
