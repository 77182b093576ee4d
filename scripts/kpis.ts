/**
 * npm run kpis -- [campaignId] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz <IANA zone>] [--by variant,channel,day] [--json]
 *
 * Every campaign's funnel (triggered, sent, held, suppressed by reason, opened, converted, orders,
 * revenue), its lift over the global holdout and its ROI, from the exact counters in the Kpis table.
 * Days are local days in --tz (default KPI_TIME_ZONE, else UTC); --from/--to default to the last 7 days.
 * Costs come from KPI_COSTS (JSON, docs/measurement.md). Against the running local stack by default;
 * with KPIS_TABLE_NAME and CAMPAIGNS_TABLE_NAME and AWS credentials, against a deployed stack.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../layers/adapters/dynamo-campaign-store';
import { DynamoKpiStore } from '../layers/adapters/dynamo-kpi-store';
import { summarizeKpis } from '../layers/core/kpis/campaign-summary';
import { parseCosts } from '../layers/core/kpis/costs';
import { utcDaysCovering, type Grouping } from '../layers/core/kpis/kpi-report';
import { canonicalTimeZone } from '../layers/core/time-zone';
import { formatKpis } from './kpis/format-kpis';
import { readLocalState } from './local-stack/local-state';

const USAGE = 'usage: npm run kpis -- [campaignId] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz Europe/London] [--by variant,channel,day] [--json]';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [campaignId] = positionals;
  const timeZone = canonicalTimeZone(values.tz ?? process.env.KPI_TIME_ZONE ?? 'UTC');
  if (!timeZone) throw new Error(`--tz must be an IANA time zone, e.g. Europe/London\n${USAGE}`);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
  const to = values.to ?? today;
  const from = values.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  if (!DAY.test(from) || !DAY.test(to) || from > to) throw new Error(`--from and --to must be days (YYYY-MM-DD), --from not after --to\n${USAGE}`);
  const by = (values.by?.split(',').filter(Boolean) ?? []) as Grouping[];
  if (by.some((g) => !['variant', 'channel', 'day'].includes(g))) throw new Error(`--by takes variant, channel and day\n${USAGE}`);

  const local = process.env.KPIS_TABLE_NAME ? undefined : readLocalState();
  const kpisTable = process.env.KPIS_TABLE_NAME ?? local?.resources.Kpis?.name;
  const campaignsTable = process.env.CAMPAIGNS_TABLE_NAME ?? local?.resources.Campaigns?.name;
  if (!kpisTable || !campaignsTable) throw new Error(`no local stack is running (npm start) and KPIS_TABLE_NAME / CAMPAIGNS_TABLE_NAME are not set\n${USAGE}`);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {}));
  try {
    const campaignIds = campaignId ? [campaignId] : (await new DynamoCampaignStore(client, campaignsTable).list()).map((c) => c.campaign.id);
    const store = new DynamoKpiStore(client, kpisTable);
    const days = utcDaysCovering(from, to);
    const rows = (await Promise.all(campaignIds.map((id) => store.counters(id, days)))).flat();
    const summary = summarizeKpis(rows, { from, to, timeZone, costs: parseCosts(process.env.KPI_COSTS), by });
    console.log(values.json ? JSON.stringify(summary, null, 2) : formatKpis(summary));
  } finally {
    client.destroy();
  }
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
