/**
 * npm run audit -- log [--from] [--to] [--action] [--actor] [--json] [--table <AuditTable>]
 * npm run audit -- quarterly …   (scripts/audit/quarterly.ts)
 *
 * Reads the append-only audit trail of administrative actions. With --table (or AUDIT_TABLE_NAME) and
 * the default AWS credential chain against a deployed stack; otherwise the running local stack's
 * `Audit` table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditTrail } from '../layers/adapters/dynamo-audit-trail';
import { systemClock } from '../layers/core/clock';
import { LOG_USAGE, runAuditLog } from './audit/audit-log';
import { runQuarterly } from './audit/quarterly';
import { readLocalState } from './local-stack/local-state';

const tableOption = (argv: readonly string[]): string | undefined => {
  const at = argv.indexOf('--table');
  return at >= 0 ? argv[at + 1] : undefined;
};

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === 'quarterly') return runQuarterly(rest);
  if (command !== 'log') throw new Error(LOG_USAGE);
  const table = tableOption(rest) ?? process.env.AUDIT_TABLE_NAME;
  const local = table ? undefined : readLocalState();
  const name = table ?? local?.resources.Audit?.name;
  if (!name) throw new Error('no local stack with an Audit table is running (npm start) and no --table or AUDIT_TABLE_NAME was given');
  const client = new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {});
  try {
    return await runAuditLog(rest, { trail: new DynamoAuditTrail(DynamoDBDocumentClient.from(client), name), clock: systemClock, out: (line) => console.log(line) });
  } finally {
    client.destroy();
  }
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
