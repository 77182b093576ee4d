/**
 * npm run rollout -- <command> <campaignId> [options]
 *
 *   start <id> [--bake <seconds>]   start the Rollout state machine (bake: replaces the plan's bake time)
 *   status <id>                     stage, exposure, the last look's figures and decision
 *   watch <id> [--every <seconds>]  status until the rollout ends
 *   pause <id> | resume <id>        stop / restart widening (the guardrail keeps being evaluated)
 *   abort <id>                      exposure to 0 now; the execution ends at its next evaluation
 *   report <id> [--out <file>]      the HTML report (with a chart) of the current state
 *
 * Against the running local stack (npm start) by default; against AWS when EXPERIMENTS_TABLE_NAME,
 * CAMPAIGNS_TABLE_NAME and (for start) ROLLOUT_STATE_MACHINE_ARN are set (the stack's outputs).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { writeFileSync } from 'node:fs';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoExperimentStore } from '../../layers/adapters/dynamo-experiment-store';
import { abortRollout, pauseRollout, resumeRollout } from '../../layers/core/rollouts/rollout-commands';
import { rolloutTarget } from '../../layers/core/audit/audit-target';
import type { AuditAction } from '../../layers/core/audit/audit-trail';
import { openCliAudit } from '../audit/cli-audit';
import { renderRolloutReport } from '../../layers/core/rollouts/rollout-report';
import { LIVE_STATUSES, type RolloutState } from '../../layers/core/rollouts/rollout-state';
import { readLocalState } from '../local-stack/local-state';

const USAGE = 'usage: npm run rollout -- start|status|watch|pause|resume|abort|report <campaignId> [--bake <seconds>] [--every <seconds>] [--out <file>]';

const option = (args: string[], name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const target = () => {
  const local = process.env.EXPERIMENTS_TABLE_NAME ? undefined : readLocalState();
  if (!process.env.EXPERIMENTS_TABLE_NAME && !local) throw new Error('no local stack is running (npm start) and EXPERIMENTS_TABLE_NAME is not set');
  const config = local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {};
  const document = DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
  const experiments = process.env.EXPERIMENTS_TABLE_NAME ?? local!.resources.Experiments!.name;
  const campaigns = process.env.CAMPAIGNS_TABLE_NAME ?? local?.resources.Campaigns?.name;
  return { local, document, store: new DynamoExperimentStore(document, experiments), campaigns: campaigns ? new DynamoCampaignStore(document, campaigns) : undefined };
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export const describeRollout = (state: RolloutState): string[] => {
  const look = state.looks.at(-1);
  const lines = [`${state.campaignId}: ${state.status}, stage ${state.stageIndex + 1} of ${state.stages.length} (${state.stages.join(' → ')}%), exposure ${state.exposurePercent}%, run ${state.runId}`];
  if (state.reason) lines.push(`  ${state.reason}`);
  if (look) {
    lines.push(`  last look ${look.at}: control ${look.control.exposed} users, ${pct(look.control.conversion)}; treatment ${look.treatment.exposed} users, ${pct(look.treatment.conversion)} (CTR ${pct(look.treatment.clickThrough)})`);
    lines.push(`  difference ${(look.primary.difference * 100).toFixed(2)} pp, always-valid p ${look.primary.pValue.toPrecision(3)}; guardrail log LR ${look.guardrail.logLikelihoodRatio.toFixed(2)} / ${look.guardrail.threshold.toFixed(2)}; SRM p ${look.srm.pValue.toPrecision(3)}`);
    lines.push(`  decision: ${look.decision}: ${look.reason}`);
  } else lines.push('  no evaluation yet');
  if (state.report) lines.push(`  report: ${state.report}`);
  return lines;
};

const main = async (args: string[]) => {
  const [command, campaignId] = args;
  if (!command || !campaignId) throw new Error(USAGE);
  const { local, document, store, campaigns } = target();
  /** Every change is recorded in the audit trail, as the IAM principal or the local user, or said not to be. */
  const audited = async (action: AuditAction, detail: Record<string, unknown>) => {
    const audit = await openCliAudit(document, local);
    if (!audit) return console.error(`not audited (${action}): no audit trail known; set AUDIT_TABLE_NAME from the stack outputs`);
    await audit.trail.record({ at: new Date().toISOString(), actor: audit.actor, action, target: rolloutTarget(campaignId), detail });
  };
  const load = async () => {
    const state = await store.load(campaignId);
    if (!state) throw new Error(`${campaignId} has no rollout yet: npm run rollout -- start ${campaignId}`);
    return state;
  };
  const change = async (apply: (state: RolloutState, at: Date) => RolloutState, action: AuditAction) => {
    const state = await load();
    const next = apply(state, new Date());
    await store.save(next, state.version);
    await audited(action, { runId: state.runId, from: state.status, to: next.status, exposurePercent: next.exposurePercent });
    describeRollout((await store.load(campaignId))!).forEach((line) => console.log(line));
  };

  switch (command) {
    case 'start': {
      const bake = option(args, 'bake');
      const input = { campaignId, ...(bake !== undefined && { bakeSeconds: Number(bake) }) };
      if (local) {
        if (!local.controlUrl) throw new Error('the running local stack is too old to start rollouts: restart npm start');
        const response = await fetch(`${local.controlUrl}/rollouts`, { method: 'POST', body: JSON.stringify(input) });
        if (!response.ok) throw new Error(`the local stack refused: ${await response.text()}`);
        await audited('rollout.started', input);
        console.log(`started ${campaignId} on the local stack (its console narrates each stage); npm run rollout -- watch ${campaignId}`);
        return;
      }
      const arn = process.env.ROLLOUT_STATE_MACHINE_ARN;
      if (!arn) throw new Error('set ROLLOUT_STATE_MACHINE_ARN (the stack output RolloutStateMachineArn)');
      const { executionArn } = await new SFNClient({}).send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }));
      await audited('rollout.started', { ...input, executionArn });
      console.log(`started ${executionArn}`);
      return;
    }
    case 'status':
      describeRollout(await load()).forEach((line) => console.log(line));
      return;
    case 'watch': {
      const every = Number(option(args, 'every') ?? '10') * 1000;
      let seen = '';
      for (;;) {
        const state = await store.load(campaignId);
        const text = state ? describeRollout(state).join('\n') : `${campaignId}: not started yet`;
        if (text !== seen) console.log(`${new Date().toISOString()}\n${text}`);
        seen = text;
        if (state && !LIVE_STATUSES.has(state.status)) return;
        await new Promise((resolve) => setTimeout(resolve, every));
      }
    }
    case 'pause':
      return change(pauseRollout, 'rollout.paused');
    case 'resume':
      return change(resumeRollout, 'rollout.resumed');
    case 'abort':
      return change(abortRollout, 'rollout.aborted');
    case 'report': {
      const state = await load();
      const name = (await campaigns?.get(campaignId))?.campaign.name ?? campaignId;
      const file = option(args, 'out') ?? `rollout-${campaignId}-${state.runId}.html`;
      writeFileSync(file, renderRolloutReport({ state, campaignName: name }));
      console.log(`wrote ${file}`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
};

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
