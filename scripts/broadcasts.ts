/**
 * npm run broadcasts -- upcoming <campaign> [--days <n>] | status <campaign> [--json] | cancel <campaign>
 *   [--table <CampaignsTable> --runs-table <ExperimentsTable> --state-machine <BroadcastArn>]
 *
 * Scheduled broadcasts (docs/broadcasts.md): when the next occurrences go out, each occurrence's progress,
 * and cancelling (deactivates the campaign, and in AWS stops its running fan-outs). Against the running
 * local stack by default, or the deployed tables and state machine with the default credential chain.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBroadcastRuns } from '../layers/adapters/dynamo-broadcast-runs';
import { DynamoCampaignStore } from '../layers/adapters/dynamo-campaign-store';
import { broadcastExecutionName } from '../layers/adapters/sfn-broadcast-starter';
import { systemClock } from '../layers/core/clock';
import { runBroadcastsCli } from './broadcasts/broadcasts-cli';
import { readLocalState } from './local-stack/local-state';
import { runCli } from './run-cli';

const argv = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};

runCli(() =>
  runBroadcastsCli(argv, {
    now: systemClock,
    open: async () => {
      const campaignsTable = option('--table', process.env.CAMPAIGNS_TABLE_NAME);
      const local = campaignsTable ? undefined : readLocalState();
      const campaignsName = campaignsTable ?? local?.resources.Campaigns?.name;
      const runsName = option('--runs-table', process.env.EXPERIMENTS_TABLE_NAME) ?? local?.resources.Experiments?.name;
      if (!campaignsName || !runsName) throw new Error('no local stack is running (npm start), and --table and --runs-table (or CAMPAIGNS_TABLE_NAME and EXPERIMENTS_TABLE_NAME) were not both given');
      const client = new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {});
      const document = DynamoDBDocumentClient.from(client);
      const store = new DynamoCampaignStore(document, campaignsName);
      const stateMachineArn = local ? undefined : option('--state-machine', process.env.BROADCAST_STATE_MACHINE_ARN);
      const sfn = stateMachineArn ? new SFNClient({}) : undefined;
      return {
        campaign: async (id) => {
          const stored = await store.get(id);
          return stored && { campaign: stored.campaign, active: stored.active };
        },
        runs: new DynamoBroadcastRuns(document, runsName),
        deactivate: async (id) => void (await store.setActive(id, false, systemClock())),
        ...(sfn && stateMachineArn && { stopExecutions: (id: string) => stopRunning(sfn, stateMachineArn, id) }),
        close: () => {
          client.destroy();
          sfn?.destroy();
        },
      };
    },
  }),
);

/** Stops the campaign's running executions (named `<campaign>--<occurrence>`). */
const stopRunning = async (sfn: SFNClient, stateMachineArn: string, campaignId: string): Promise<number> => {
  const prefix = broadcastExecutionName(campaignId, '');
  let stopped = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', ...(nextToken && { nextToken }) }));
    for (const execution of page.executions ?? []) {
      if (!execution.name?.startsWith(prefix) || !execution.executionArn) continue;
      await sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, cause: 'cancelled with npm run broadcasts -- cancel' }));
      stopped++;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return stopped;
};
