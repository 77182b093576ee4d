/**
 * npm run bench:recs [-- --model-dir <dir>] [--requests <n>]
 *
 * What serving the built-in model costs deliver, on the model `npm run train:recs` wrote (the whole UCI
 * Online Retail dataset): the artifact's size, the time to load it as a cold container does (read,
 * gunzip, parse and check), and the latency of HybridRecommender.recommend over `--requests` requests
 * (p50, p99, max), for known customers and cold starts. Figures, not pass/fail.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { quantileSorted } from 'simple-statistics';
import { LocalModelStore, MODEL_FILE } from '../../layers/adapters/local-model-store';
import { HybridRecommender } from '../../layers/core/recommendations/hybrid-recommender';
import { parseModel } from '../../layers/core/recommendations/model-artifact';

const DEFAULT_MODEL_DIR = resolve(__dirname, '../../.local-stack/models');
/** Slots a message fills is 1–4; the evaluation asks for 10: the larger is the one to bound. */
const COUNT = 10;
/** One request in this many is a cold start (a user the model has not seen). */
const COLD_START_EVERY = 10;
const WARM_UP = 1_000;

/** A seeded generator (mulberry32), so two runs ask the same requests. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : 1)} ms`;

const main = async () => {
  const { values } = parseArgs({ options: { 'model-dir': { type: 'string', default: DEFAULT_MODEL_DIR }, requests: { type: 'string', default: '10000' } } });
  const root = resolve(values['model-dir']);
  const requests = Number(values.requests);
  if (!Number.isSafeInteger(requests) || requests < 1) throw new Error(`--requests must be a whole number ≥ 1, got ${values.requests}`);
  const store = new LocalModelStore(root);
  const version = await store.currentVersion();
  if (!version) throw new Error(`no current model in ${root}: run npm run train:recs first`);

  // The first load is the one a cold container pays; the parts are timed on a second pass.
  const started = performance.now();
  const model = await store.loadCurrent();
  const loadMs = performance.now() - started;
  const t0 = performance.now();
  const gzipped = await readFile(join(root, version, MODEL_FILE));
  const t1 = performance.now();
  const text = gunzipSync(gzipped).toString('utf8');
  const t2 = performance.now();
  parseModel(text);
  const t3 = performance.now();
  console.log(`model ${version}: ${model.items.length.toLocaleString('en')} items, ${model.users.size.toLocaleString('en')} users`);
  console.log(`artifact:        ${gzipped.length.toLocaleString('en')} bytes gzipped, ${Buffer.byteLength(text).toLocaleString('en')} bytes of JSON`);
  console.log(`cold load:       ${ms(loadMs)} (read, gunzip, parse, check; first in this process)`);
  console.log(`warm reload:     ${ms(t3 - t0)} = read ${ms(t1 - t0)} + gunzip ${ms(t2 - t1)} + parse and check ${ms(t3 - t2)}`);

  const recommender = new HybridRecommender(model);
  const random = seeded(6);
  const users = [...model.users.keys()];
  const requestAt = (n: number) =>
    n % COLD_START_EVERY === 0
      ? { userId: `cold-${n}`, count: COUNT }
      : { userId: users[Math.floor(random() * users.length)]!, count: COUNT, seedProductIds: [model.items[Math.floor(random() * model.items.length)]!] };

  const first = performance.now();
  await recommender.recommend(requestAt(1));
  const firstMs = performance.now() - first; // builds the model's scoring indexes once
  for (let n = 0; n < WARM_UP; n++) await recommender.recommend(requestAt(n));
  const known: number[] = [];
  const cold: number[] = [];
  for (let n = 0; n < requests; n++) {
    const request = requestAt(n);
    const before = performance.now();
    await recommender.recommend(request);
    (request.userId.startsWith('cold-') ? cold : known).push(performance.now() - before);
  }
  const all = [...known, ...cold].sort((a, b) => a - b);
  const line = (label: string, sorted: number[]) =>
    console.log(`${label} p50 ${ms(quantileSorted(sorted, 0.5))}, p99 ${ms(quantileSorted(sorted, 0.99))}, max ${ms(sorted[sorted.length - 1]!)} over ${sorted.length.toLocaleString('en')} requests`);
  console.log(`first request:   ${ms(firstMs)} (builds the scoring indexes once per container)`);
  line(`recommend(${COUNT}):  `, all);
  line('  known users:  ', known.sort((a, b) => a - b));
  line('  cold starts:  ', cold.sort((a, b) => a - b));
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
