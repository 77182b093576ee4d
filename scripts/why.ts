/**
 * npm run why -- <userId> [campaignId] [--json] [--table <MessagesTable>] [--timers-table <TimersTable>]
 *
 * "Why did this user get / not get this message?": the user's delivery decisions (time, campaign,
 * channel, status, reason, variant, deferrals), the deferrals and trigger timers still pending, and the
 * user's sends against the frequency caps. Against the running local stack by default; with --table (or
 * MESSAGES_TABLE_NAME) and AWS credentials in the environment, against a deployed stack. Read-only.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMessageLog } from '../layers/adapters/dynamo-message-log';
import { readDeliveryPolicy } from '../layers/core/messaging/delivery-policy';
import type { Intent } from '../layers/core/messaging/intent';
import { readLocalState } from './local-stack/local-state';
import { buildWhyReport, formatWhyReport, type PendingTimer } from './why/why-report';

const USAGE = 'usage: npm run why -- <userId> [campaignId] [--json] [--table <MessagesTable>] [--timers-table <TimersTable>]';

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, table: { type: 'string' }, 'timers-table': { type: 'string' } },
  });
  const [userId, campaignId] = positionals;
  if (!userId) throw new Error(USAGE);

  const messagesTable = values.table ?? process.env.MESSAGES_TABLE_NAME;
  const local = messagesTable ? undefined : readLocalState();
  const table = messagesTable ?? local?.resources.Messages?.name;
  const timersTable = values['timers-table'] ?? process.env.TIMERS_TABLE_NAME ?? local?.resources.Timers?.name;
  if (!table) throw new Error(`no local stack is running (npm start) and no --table or MESSAGES_TABLE_NAME was given\n${USAGE}`);

  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {}),
  );
  try {
    const log = new DynamoMessageLog(client, table);
    const [decisions, caps, timers] = await Promise.all([log.decisions(userId), log.caps(userId), timersTable ? readTimers(client, timersTable, userId) : []]);
    const report = buildWhyReport({ userId, ...(campaignId && { campaignId }), decisions, caps, timers, policy: readDeliveryPolicy(process.env), now: new Date() });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatWhyReport(report));
    if (!timersTable) console.error('(no Timers table given: pending deferrals not shown; pass --timers-table)');
  } finally {
    client.destroy();
  }
};

/** Every timer of the user (deferrals and trigger timers). */
const readTimers = async (client: DynamoDBDocumentClient, tableName: string, userId: string): Promise<PendingTimer[]> => {
  const timers: PendingTimer[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId }, ...(ExclusiveStartKey && { ExclusiveStartKey }) }),
    );
    for (const item of page.Items ?? []) {
      const intent = item.intent as Intent | undefined;
      timers.push({ key: String(item.key), dueAt: new Date(Number(item.dueAt)).toISOString(), campaignId: intent?.campaignId ?? '-', messageId: intent?.messageId ?? '-' });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return timers.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
