// Starts fauxqs (SQS + SNS emulator, ESM only) on 127.0.0.1. Its own CLI listens on 0.0.0.0, and its
// default store builds queue URLs on "sqs.<region>.localhost", a name Node cannot resolve here; the
// SDK then sends queue calls to that host when no explicit endpoint is configured (handlers configured
// through AWS_ENDPOINT_URL_SQS). With an empty store host, fauxqs takes the host from the request, so
// queue URLs are http://127.0.0.1:<port>/000000000000/<name>.
// Usage: node fauxqs-launcher.mjs <port|0> <region>. Prints "FAUXQS_LISTENING <port>" when ready and
// exits when stdin closes (the parent is gone) or on SIGTERM/SIGINT.
import { buildApp } from 'fauxqs';

const port = Number(process.argv[2] ?? 0);
const region = process.argv[3] ?? 'us-east-1';

// SqsStore is not exported by the package; load it from the file app.js itself imports (fauxqs 2.x).
const dist = new URL('.', import.meta.resolve('fauxqs'));
const { SqsStore } = await import(new URL('sqs/sqsStore.js', dist).href);
const sqsStore = new SqsStore();
sqsStore.host = '';
sqsStore.region = region;

const app = buildApp({ logger: false, defaultRegion: region, stores: { sqsStore } });
const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`FAUXQS_LISTENING ${new URL(address).port}\n`);

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  setTimeout(() => process.exit(0), 2000).unref();
  await app.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', close);
process.stdin.on('close', close);
process.stdin.resume();
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.on('SIGHUP', close);
