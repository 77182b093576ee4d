/**
 * npm run bench:inbox [-- --users 200 --fetches 2000 --messages 20]
 *
 * The inbox API through the local stack, as an app calls it: `GET /v1/users/{userId}/messages` with the
 * user's hash, the Lambda authorizer and the inbox function, on DynamoDB Local. Prints the DynamoDB read
 * units and requests per fetch (counted, as AWS bills them: machine-independent) and the latency
 * percentiles (this machine's, one request at a time), and the cost of a click (POST).
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoInbox } from '../../layers/adapters/dynamo-inbox';
import type { InboxMessage } from '../../layers/core/inbox/inbox-message';
import { userHashOf } from '../../layers/core/inbox/user-token';
import { startLocalStack } from '../local-stack/local-stack';
import { countCommands, meterReads, meterWrites } from './count-commands';

const HOUR = 3_600_000;

/** A message of a push's length, with an image and a deep link: about 470 bytes stored. */
const message = (userId: string, n: number, now: number, slot = 'inbox'): InboxMessage => ({
  userId,
  messageId: createHash('sha256').update(`${userId}/${n}`).digest('hex').slice(0, 32),
  campaignId: 'viewed-no-cart-coupon',
  variant: 'default',
  slot,
  priority: slot === 'inbox' ? 0 : 10,
  title: 'Still thinking about it?',
  body: 'The WHITE HANGING HEART T-LIGHT HOLDER is waiting in your size. Use code SAVE10 for 10% off today.',
  imageUrl: 'https://cdn.example.com/products/85123A/large.jpg',
  deepLink: 'shop://product/85123A?utm_campaign=viewed-no-cart-coupon',
  receivedAt: new Date(now - n * HOUR).toISOString(),
  expiresAt: new Date(now + 7 * 24 * HOUR).toISOString(),
});

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const main = async () => {
  const { values } = parseArgs({ options: { users: { type: 'string', default: '200' }, fetches: { type: 'string', default: '2000' }, messages: { type: 'string', default: '20' } } });
  const [users, fetches, perUser] = [Number(values.users), Number(values.fetches), Number(values.messages)];
  const stack = await startLocalStack({ port: 0, inboxPort: 0, log: () => undefined, seedCampaigns: false });
  try {
    const now = Date.now();
    const inbox = new DynamoInbox(stack.clients.dynamo, stack.stack.resources.Inbox!.name);
    const ids = Array.from({ length: users }, (_, u) => `bench-user-${u}`);
    for (const userId of ids) {
      await Promise.all([
        ...Array.from({ length: perUser }, (_, n) => inbox.put(message(userId, n + 1, now))),
        inbox.put(message(userId, perUser + 1, now, 'home-top')),
        inbox.put(message(userId, perUser + 2, now, 'cart')),
      ]);
    }
    const reads = meterReads(stack.clients.dynamo);
    const commands = countCommands(stack.clients.dynamo);
    const fetchOnce = async (userId: string) => {
      const started = performance.now();
      const response = await fetch(`${stack.inboxUrl}/v1/users/${userId}/messages?limit=${Math.min(perUser, 50)}`, { headers: { Authorization: `UserHash ${userHashOf(userId, stack.inboxSigningSecret)}` } });
      const body = (await response.json()) as { inbox?: unknown[] };
      if (response.status !== 200 || body.inbox?.length !== perUser) throw new Error(`fetch for ${userId}: ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 50; i++) await fetchOnce(ids[i % users]!); // warm-up: the functions' cold starts
    reads.clear();
    commands.clear();
    const latencies: number[] = [];
    for (let i = 0; i < fetches; i++) latencies.push(await fetchOnce(ids[i % users]!));
    latencies.sort((a, b) => a - b);
    const table = reads.get(stack.stack.resources.Inbox!.name)!;
    const fetchCommands = [...commands].map(([name, count]) => `${name} ${(count / fetches).toFixed(2)}`).join(', ');

    // A click: GetItem, PutRecords (the event) and a conditional UpdateItem.
    const writes = meterWrites(stack.clients.dynamo);
    reads.clear();
    const clickUser = ids[0]!;
    const page = (await (await fetch(`${stack.inboxUrl}/v1/users/${clickUser}/messages`, { headers: { Authorization: `UserHash ${userHashOf(clickUser, stack.inboxSigningSecret)}` } })).json()) as { inbox: { id: string }[] };
    reads.clear();
    const click = await fetch(`${stack.inboxUrl}/v1/users/${clickUser}/messages/${page.inbox[0]!.id}`, {
      method: 'POST',
      headers: { Authorization: `UserHash ${userHashOf(clickUser, stack.inboxSigningSecret)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'click' }),
    });
    if (click.status !== 200) throw new Error(`click: ${click.status}`);
    const clickWrites = writes.get(stack.stack.resources.Inbox!.name);

    console.log(`inbox API on the local stack: ${users} users × ${perUser} inbox items + 2 banners, ${fetches} fetches one at a time (authorizer + inbox function + DynamoDB Local)`);
    console.log(`  read cost per fetch        ${(table.units / fetches).toFixed(2)} read units (eventually consistent), ${(table.requests / fetches).toFixed(2)} Query requests`);
    console.log(`  latency per fetch          p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
    console.log(`  a click (POST)             ${reads.get(stack.stack.resources.Inbox!.name)?.units ?? 0} read units (GetItem), ${clickWrites?.units ?? 0} write units (UpdateItem), 1 PutRecords (the in_app_click event)`);
    console.log(`  DynamoDB calls per fetch   ${fetchCommands}`);
  } finally {
    await stack.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
