/**
 * npm run campaigns -- validate <file|folder>… | list [--json] | show <id> | activate <file|id> | deactivate <id>
 *   [--table <CampaignsTable>]
 *
 * Validates campaign files offline, and lists, shows, activates and deactivates stored campaigns. Against
 * the running local stack by default; with --table (or CAMPAIGNS_TABLE_NAME), against that table in AWS
 * with the default credential chain. docs/campaigns.md describes the file format.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../layers/adapters/dynamo-campaign-store';
import { systemClock } from '../layers/core/clock';
import { CampaignsCliTargetError, runCampaignsCli, type CampaignsCliDeps } from './campaigns/campaigns-cli';
import { openCliAudit } from './audit/cli-audit';
import { readLocalState } from './local-stack/local-state';

export { loadCampaignFiles, checkCampaignFiles, CampaignFilesInvalidError } from './campaigns/load-campaign-files';

/** The Campaigns table's logical ID in the pipeline template (and in the local stack's state). */
const CAMPAIGNS_LOGICAL_ID = 'Campaigns';

const openStore: CampaignsCliDeps['openStore'] = async ({ table }) => {
  const tableName = table ?? process.env.CAMPAIGNS_TABLE_NAME;
  const local = tableName ? undefined : readLocalState();
  if (!tableName && !local) {
    throw new CampaignsCliTargetError('no local stack is running (npm start) and no --table or CAMPAIGNS_TABLE_NAME was given');
  }
  const name = tableName ?? local?.resources[CAMPAIGNS_LOGICAL_ID]?.name;
  if (!name) throw new CampaignsCliTargetError(`the running local stack has no ${CAMPAIGNS_LOGICAL_ID} table; restart it (npm start) with the current code`);
  const client = new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {});
  const document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const audit = await openCliAudit(document, local);
  return {
    store: new DynamoCampaignStore(document, name),
    target: local ? `the local stack (${name})` : `table ${name}`,
    close: () => client.destroy(),
    ...(audit && { audit }),
  };
};

if (require.main === module) {
  runCampaignsCli(process.argv.slice(2), {
    openStore,
    clock: systemClock,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
