/**
 * npm run bench:limiter [-- --containers 16 --seconds 5 --rate 20000]
 *
 * The account-wide rate limiter's ceiling. Measured on DynamoDB Local: DynamoDB requests per
 * reservation when containers race for the limiter items (the GCRA increment is one conditional
 * UpdateItem when the schedule is busy), and reservations a second this machine sustains. Modelled for
 * AWS: a partition takes about 1,000 writes a second (DynamoDB's per-partition limit, which DynamoDB
 * Local does not enforce), a reservation is one write of a < 1 KB item for up to 10 slots (deliver's
 * SQS batch), so one item tops out near 10,000 sends a second and sharding (ShardedSlotReserver,
 * shardsFor) adds an item per 5,000 of rate.
 */
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSlotReserver } from '../../layers/adapters/dynamo-rate-limiter';
import { SENDS_PER_SHARD, ShardedSlotReserver, shardsFor, shareOf } from '../../layers/core/messaging/sharded-reserver';
import { startDynamoDbLocal } from '../local-stack/emulators/dynamodb-local';
import { LOCAL_CREDENTIALS } from '../local-stack/emulators/emulator';
import { countCommands } from './count-commands';

/** DynamoDB's documented throughput of one partition, in write units a second. */
const PARTITION_WRITES_PER_SECOND = 1_000;
/** Slots one reservation asks for at most: deliver's SQS batch size. */
const BATCH = 10;

const main = async () => {
  const { values } = parseArgs({ options: { containers: { type: 'string', default: '16' }, seconds: { type: 'string', default: '5' }, rate: { type: 'string', default: '20000' } } });
  const [containers, seconds, rate] = [Number(values.containers), Number(values.seconds), Number(values.rate)];
  const ratePerSecond = { push: rate, sms: 20 };
  const shards = shardsFor(ratePerSecond);
  const dynamoLocal = await startDynamoDbLocal();
  const raw = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    await raw.send(
      new CreateTableCommand({
        TableName: 'Messages',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }),
    );
    const document = DynamoDBDocumentClient.from(raw);
    const counts = countCommands(document);
    const reservers = Array.from(
      { length: containers },
      (_, c) => new ShardedSlotReserver(Array.from({ length: shards }, (_, k) => new DynamoSlotReserver(document, 'Messages', shareOf(ratePerSecond, shards), k)), c),
    );
    // Far deadlines and a schedule that starts at a fixed time: every reservation is granted, so the
    // figures are the limiter's own cost, not throttling.
    const start = new Date('2030-01-01T00:00:00.000Z');
    let reservations = 0;
    const until = performance.now() + seconds * 1_000;
    await Promise.all(
      reservers.map(async (reserver) => {
        while (performance.now() < until) {
          await reserver.reserve('push', BATCH, start, new Date(start.getTime() + 86_400_000));
          reservations += 1;
        }
      }),
    );
    const requests = [...counts.values()].reduce((a, b) => a + b, 0);
    const single = PARTITION_WRITES_PER_SECOND * BATCH;
    console.log(`limiter, measured on DynamoDB Local (${containers} containers, ${seconds} s, ${shards} shard(s) for ${rate.toLocaleString('en')} sends/s):`);
    console.log(`  ${(requests / reservations).toFixed(2)} DynamoDB requests per reservation of ${BATCH} slots (${(requests / (reservations * BATCH)).toFixed(3)} per send)`);
    console.log(`  ${Math.round(reservations / seconds).toLocaleString('en')} reservations/s on this machine (${Math.round((reservations * BATCH) / seconds).toLocaleString('en')} sends/s)`);
    console.log('limiter, modelled for AWS (1,000 writes/s per partition, one write per reservation of up to 10 sends):');
    console.log(`  one item (the design before sharding): ceiling ≈ ${single.toLocaleString('en')} sends/s per channel with full batches; below the 20,000 goal`);
    console.log(`  ${shards} item(s) at ${SENDS_PER_SHARD.toLocaleString('en')} sends/s each for ${rate.toLocaleString('en')}: ceiling ≈ ${(shards * single).toLocaleString('en')} sends/s (${((shards * single) / rate).toFixed(1)}× the rate)`);
  } finally {
    raw.destroy();
    await dynamoLocal.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
