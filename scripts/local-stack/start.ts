/**
 * npm start: the whole pipeline on 127.0.0.1 with embedded emulators (no Docker, no AWS account).
 * Ctrl-C stops everything.
 */
import { join } from 'node:path';
import { startLocalStack } from './local-stack';
import { startControlServer } from './control-server';
import { readLocalState, writeLocalState } from './local-state';
import { keepFunctionLogs, LOCAL_FUNCTION_LOG_FILE } from './function-logs';

/** Where `npm run train:recs` writes the model npm start serves. */
const LOCAL_MODELS_DIR = join(__dirname, '../../.local-stack/models');

const main = async () => {
  // Functions log at INFO, as in AWS, into a file the quarterly audit scans; the terminal shows warnings and errors.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  keepFunctionLogs(LOCAL_FUNCTION_LOG_FILE);
  console.log('Starting the marketing pipeline locally: synthesizing the CDK app, starting DynamoDB Local, kinesalite, fauxqs and s3rver…');
  const started = performance.now();
  const stack = await startLocalStack({ writeState: true, runSchedules: true, seedModelFrom: LOCAL_MODELS_DIR });
  const control = await startControlServer(stack);
  writeLocalState({ ...readLocalState()!, controlUrl: control.url });
  const resources = Object.values(stack.stack.resources).filter((r) => r.type !== 'AWS::Lambda::Function' && r.type !== 'AWS::ApiGateway::RestApi');
  console.log(`
Ready in ${((performance.now() - started) / 1000).toFixed(1)} s. Created from the synthesized template: ${resources.map((r) => r.logicalId).join(', ')}.

  Ingest endpoint   POST ${stack.url}/v1/events   (header x-api-key: ${stack.apiKey})
  Try it            npm run sample -- browse   (POSTs events/samples/browse-batch.json with x-api-key: ${stack.apiKey})
  Inbox (in-app)    GET ${stack.inboxUrl}/v1/users/{userId}/messages   (Authorization: UserHash <hash>: npm run inbox -- token <userId>)
  Sample inbox page npm run inbox -- page user-9   (events/samples/inbox.html; in-app example: events/samples/second-look-in-app.yaml, README Quick start)
  Campaigns         npm run campaigns -- list   (active: ${stack.seededCampaigns.join(', ') || 'none'})
  Why (not) sent    npm run why -- user-7
  Read a profile    npm run profile -- user-42 --messages
  Replay real data  npm run replay -- --sample 10
  Staged rollout    npm run rollout -- start <campaignId> --bake 60   (campaigns with a rollout section; reports in .local-stack/reports/)
  Campaign KPIs     npm run kpis -- --by channel   (funnel, lift over the holdout, ROI)
  Daily review      npm run review   (yesterday's review, written to .local-stack/reports/)
  Function logs     ${LOCAL_FUNCTION_LOG_FILE}   (INFO and up; warnings and errors also show here)

Watching (Ctrl-C to stop):`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping pollers, the endpoint and the emulators…`);
    await control.stop();
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
};

main().catch((error) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
