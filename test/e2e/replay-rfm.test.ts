import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import type { Profile } from '../../layers/core/profile/profile';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { ONLINE_RETAIL_DATASET } from '../../scripts/replay/dataset';
import { readRetailLines, toEvents } from '../../scripts/replay/online-retail';
import { postEvents } from '../../scripts/replay/post-batches';

const DATASET = ONLINE_RETAIL_DATASET;
/** Every 20th customer (by id): about 220 customers and 20,000 events, a fair sample that stays quick. */
const SAMPLE_EVERY = 20;
/** The day after the dataset's last invoice (2011-12-09 12:50). */
const SCORED_AT = new Date('2011-12-10T00:00:00.000Z');

interface Expected {
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}

/**
 * RFM straight from the CSV, written here from the definitions in docs/profiles.md and sharing no code
 * with the pipeline (not the replay's event mapping, not the fold, not simple-statistics).
 */
const independentRfm = (): Map<string, Expected> => {
  const rows = parse(gunzipSync(readFileSync(DATASET)), { columns: true }) as Record<string, string>[];
  const customers = new Map<string, { last: number; invoices: Set<string>; cents: number }>();
  for (const row of rows) {
    const id = row.CustomerID!;
    const quantity = Number(row.Quantity);
    const price = Number(row.UnitPrice);
    if (id === '' || row.InvoiceNo!.startsWith('C') || quantity <= 0 || price <= 0 || Number(id) % SAMPLE_EVERY !== 0) continue;
    const at = Date.parse(`${row.InvoiceDate!.replace(' ', 'T')}Z`);
    const c = customers.get(id) ?? { last: 0, invoices: new Set<string>(), cents: 0 };
    c.last = Math.max(c.last, at);
    c.invoices.add(row.InvoiceNo!);
    c.cents += quantity * price * 100;
    customers.set(id, c);
  }
  const measures = [...customers].map(([id, c]) => ({
    id,
    recencyDays: Math.floor((SCORED_AT.getTime() - c.last) / 86_400_000),
    frequency: c.invoices.size,
    monetary: Math.round(c.cents) / 100,
  }));
  // Percentiles by linear interpolation between closest ranks (numpy's default).
  const cuts = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return [0.2, 0.4, 0.6, 0.8].map((p) => {
      const h = (sorted.length - 1) * p;
      const lo = Math.floor(h);
      return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
    });
  };
  const rCuts = cuts(measures.map((m) => m.recencyDays));
  const fCuts = cuts(measures.map((m) => m.frequency));
  const mCuts = cuts(measures.map((m) => m.monetary));
  const countBelow = (c: number[], v: number) => c.filter((x) => x < v).length;
  const segmentOf = (r: number, f: number, m: number): string => {
    if (r === 5 && f === 1) return 'new-customers';
    if (r === 4 && f === 1) return 'promising';
    if (r >= 4 && f >= 4 && m >= 4) return 'champions';
    if (r >= 4 && f <= 3) return 'potential-loyalists';
    if (r >= 3 && f >= 4) return 'loyal';
    if (r === 3) return 'need-attention';
    if (f >= 4 && m >= 4) return 'cannot-lose-them';
    if (f >= 3) return 'at-risk';
    return r === 2 ? 'hibernating' : 'lost';
  };
  return new Map(
    measures.map((m) => {
      const r = 5 - countBelow(rCuts, m.recencyDays);
      const f = 1 + countBelow(fCuts, m.frequency);
      const mm = 1 + countBelow(mCuts, m.monetary);
      return [`uci-${m.id}`, { recencyDays: m.recencyDays, frequency: m.frequency, monetary: m.monetary, r, f, m: mm, segment: segmentOf(r, f, mm) }];
    }),
  );
};

describe('replaying the UCI Online Retail dataset through the local stack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    if (!existsSync(DATASET)) throw new Error(`the dataset is missing: ${DATASET} (see events/datasets/README.md)`);
    // RFM only: no campaigns, so no timers or sends compete with the replay for the emulators.
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => SCORED_AT, seedCampaigns: false });
  });
  afterAll(() => stack?.stop());

  it('gives every customer the R, F, M values, scores and segment an independent computation gives', async () => {
    // Prepare
    const expected = independentRfm();
    const events = await toEvents(readRetailLines(DATASET), { sampleEvery: SAMPLE_EVERY });

    // Act
    const sent = await postEvents(events, { endpoint: stack.url, apiKey: stack.apiKey });
    await stack.settle(240_000);
    await stack.runNightlyProfiles();

    // Assess
    expect(sent).toMatchObject({ accepted: events.length, rejected: 0 });
    const profiles: Profile[] = [];
    for await (const page of new DynamoProfileStore(stack.clients.dynamo, stack.stack.resources.Profiles!.name).scanAll()) profiles.push(...page);
    const actual = new Map(profiles.map((p) => [p.userId, p.rfm]));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [userId, want] of expected) {
      const got = actual.get(userId)!;
      expect({ userId, ...got, monetary: Math.round(got.monetary * 100) / 100, at: undefined }).toEqual({ userId, ...want, at: undefined });
    }
    const sizes = (segments: string[]) => segments.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    expect(sizes([...actual.values()].map((r) => r!.segment))).toEqual(sizes([...expected.values()].map((e) => e.segment)));
  }, 300_000);
});
