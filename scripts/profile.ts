/**
 * npm run profile -- <userId> [--messages] [--raw] [--table <ProfilesTable>] [--messages-table <MessagesTable>]
 *
 * Reads one user's profile (and, with --messages, their message log: every send and suppression with its
 * reason). Against the running local stack by default; with --table (or PROFILES_TABLE_NAME) and AWS
 * credentials in the environment, against a deployed stack. Read-only.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { userTarget } from '../layers/core/audit/audit-target';
import { openCliAudit } from './audit/cli-audit';
import { readLocalState } from './local-stack/local-state';

/** Bookkeeping fields a person reading a profile does not need (shown with --raw). */
const PLUMBING = ['seenInsertIds', 'recentInsertIds', 'outbox', 'timerOutbox', 'triggers', 'hoursUtc'] as const;

/** Addresses are sealed (field-level encryption): show their masked form and the ciphertext's size, never bytes. */
const withSealedShown = (profile: Record<string, unknown>): Record<string, unknown> => {
  const channels = (profile.channels ?? {}) as Record<string, { sealed?: { ciphertext: Uint8Array; masked: string } }>;
  const shown = Object.fromEntries(
    Object.entries(channels).map(([channel, value]) => [
      channel,
      value.sealed ? { ...value, sealed: { masked: value.sealed.masked, ciphertext: `<encrypted, ${value.sealed.ciphertext.byteLength} bytes>` } } : value,
    ]),
  );
  return { ...profile, channels: shown };
};

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      messages: { type: 'boolean', default: false },
      raw: { type: 'boolean', default: false },
      table: { type: 'string' },
      'messages-table': { type: 'string' },
    },
  });
  const userId = positionals[0];
  if (!userId) throw new Error('usage: npm run profile -- <userId> [--messages] [--raw] [--table <name>]');

  const local = values.table || process.env.PROFILES_TABLE_NAME ? undefined : readLocalState();
  const profilesTable = values.table ?? process.env.PROFILES_TABLE_NAME ?? local?.resources.Profiles?.name;
  const messagesTable = values['messages-table'] ?? process.env.MESSAGES_TABLE_NAME ?? local?.resources.Messages?.name;
  if (!profilesTable) throw new Error('no local stack is running (npm start) and no --table or PROFILES_TABLE_NAME was given');

  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {}),
  );
  // An admin read of a person's data: recorded before it happens, by hash of the id, whatever it finds.
  const audit = await openCliAudit(client, local);
  if (audit) await audit.trail.record({ at: new Date().toISOString(), actor: audit.actor, action: 'profile.read', target: userTarget(userId), detail: { messages: values.messages } });
  else console.error('not audited (profile.read): no audit trail known; set AUDIT_TABLE_NAME from the stack outputs');
  const { Item } = await client.send(new GetCommand({ TableName: profilesTable, Key: { userId }, ConsistentRead: true }));
  if (!Item) {
    console.error(`no profile for ${userId} in ${profilesTable}`);
    process.exitCode = 2;
    return;
  }
  const profile = values.raw ? Item : withSealedShown(Object.fromEntries(Object.entries(Item).filter(([key]) => !(PLUMBING as readonly string[]).includes(key))));
  const output: Record<string, unknown> = { profile };
  if (values.messages && messagesTable) {
    const { Items = [] } = await client.send(
      new QueryCommand({ TableName: messagesTable, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }),
    );
    output.messages = Items.map(({ userId: _u, sk: _sk, expiresAt: _e, ...entry }) => entry);
  }
  console.log(JSON.stringify(output, null, 2));
  client.destroy();
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
