/**
 * npm run segments -- list | validate <file>… | estimate <id|file> [--sample <n>] [--table <ProfilesTable>]
 *
 * Saved segments (events/segments/): lists and validates them offline; estimates a segment's size with a
 * sample of members over the running local stack's profiles, or a deployed `Profiles` table with --table
 * (or PROFILES_TABLE_NAME). The sample is recorded in the audit trail. docs/segments.md.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoProfileStore } from '../layers/adapters/dynamo-profile-store';
import { systemClock } from '../layers/core/clock';
import { openCliAudit } from './audit/cli-audit';
import { readLocalState } from './local-stack/local-state';
import { runSegmentsCli } from './segments/segments-cli';

const argv = process.argv.slice(2);
const table = (() => {
  const at = argv.indexOf('--table');
  return at >= 0 ? argv[at + 1] : process.env.PROFILES_TABLE_NAME;
})();

runSegmentsCli(argv, {
  now: systemClock,
  profiles: async () => {
    const local = table ? undefined : readLocalState();
    const name = table ?? local?.resources.Profiles?.name;
    if (!name) throw new Error('no local stack is running (npm start) and no --table or PROFILES_TABLE_NAME was given');
    const client = new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {});
    const document = DynamoDBDocumentClient.from(client);
    const audit = await openCliAudit(document, local);
    return { scan: () => new DynamoProfileStore(document, name).scanAll(), ...(audit && { audit }), close: () => client.destroy() };
  },
})
  .then(({ lines, exitCode }) => {
    for (const line of lines) console.log(line);
    process.exit(exitCode);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
