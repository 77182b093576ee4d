import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoBroadcastRuns } from '../../layers/adapters/dynamo-broadcast-runs';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { isInGlobalHoldout } from '../../layers/core/rollouts/bucketing';
import { TEST_YEAR } from '../helpers/test-calendar';
import { endpointOf, virtualClockStack } from '../helpers/virtual-clock-stack';

const DAY = 86_400_000;
const MINUTE = 60_000;
/** The first Friday of December of the test year, 00:00 UTC. */
const FRIDAY = (() => {
  const first = Date.parse(`${TEST_YEAR}-12-01T00:00:00.000Z`);
  return first + ((5 - new Date(first).getUTCDay() + 7) % 7) * DAY;
})();
const iso = (ms: number) => new Date(ms).toISOString();
/** Half the users are held out: the test picks ids on each side of the line. */
const HOLDOUT_SHARE = 0.5;
const pick = (prefix: string, held: boolean) => Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`).find((id) => isInGlobalHoldout(id, HOLDOUT_SHARE) === held)!;

const campaign = (id: string, schedule: string, audience: string, oncePer = '10d') => `
id: ${id}
name: ${id}
category: marketing
trigger:
  schedule: ${schedule}
audience: ${audience}
content:
  - name: default
    title: ${id}
    body: This week's deals for members.
channels: [push]
caps:
  oncePer: ${oncePer}
`;

/**
 * Broadcasts through the local stack on a virtual clock: the scheduler starts an occurrence 14 h 15 min
 * before its wall time, the Broadcast state machine collects the segment's members by wave and enqueues
 * them, and deliver sends each at 10:00 in the user's own zone, once, under the holdout, quiet hours and
 * caps; a deactivated campaign sends no more; an imported CSV segment receives one.
 */
describe('scheduled broadcasts on a virtual clock', () => {
  const campaignsDir = mkdtempSync(join(tmpdir(), 'broadcast-campaigns-'));
  const harness = virtualClockStack(FRIDAY - 4 * 3_600_000, { seedCampaigns: campaignsDir, environment: { HOLDOUT_SHARE: String(HOLDOUT_SHARE) } }); // Thursday 20:00 UTC
  const { at, pushesTo } = harness;
  const [paris, tokyo, losAngeles, held, silver] = [pick('paris', false), pick('tokyo', false), pick('la', false), pick('held', true), pick('silver', false)];

  beforeAll(async () => {
    writeFileSync(join(campaignsDir, 'friday.yaml'), campaign('friday-deals', '{ cron: "0 10 * * FRI" }', '{ segment: gold-members-eu }'));
    writeFileSync(join(campaignsDir, 'silver.yaml'), campaign('silver-preview', '{ cron: "0 10 * * FRI" }', '{ traits: { memberLevel: [silver] } }'));
    writeFileSync(join(campaignsDir, 'vip.yaml'), campaign('vip-christmas', `{ at: "${TEST_YEAR}-12-24T10:00", timeZone: Europe/London }`, '{ importedSegment: vip-list }', '1d'));
    await harness.start();
  }, 120_000);
  afterAll(async () => {
    await harness.stop();
    rmSync(campaignsDir, { recursive: true, force: true });
  });

  const identify = (userId: string, timeZone: string, memberLevel: string) =>
    harness.event({ userId }, 'identify', { timeZone, pushEndpointArn: endpointOf(userId), traits: { region: 'EU', memberLevel }, consent: { tracking: true, push: true } }, -DAY);
  const decisionsOf = async (userId: string) => {
    const { Items = [] } = await harness.stack.clients.dynamo.send(
      new QueryCommand({ TableName: harness.stack.stack.resources.Messages!.name, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }),
    );
    return Items.filter((item) => String(item.sk).startsWith('MSG#')).map((item) => `${item.campaignId}:${item.status}${item.reason ? `:${item.reason}` : ''}`).sort();
  };

  it('sends a recurring broadcast to a segment at 10:00 in each user’s zone, once, under the holdout and caps, and stops when cancelled', async () => {
    // Prepare
    const posted = await harness.post(identify(paris, 'Europe/Paris', 'gold'), identify(tokyo, 'Asia/Tokyo', 'gold'), identify(losAngeles, 'America/Los_Angeles', 'gold'), identify(held, 'Europe/Paris', 'gold'), identify(silver, 'Europe/Paris', 'silver'));
    expect(posted.status).toBe(200);

    // Act: Thursday 20:00 UTC, the scheduler starts Friday's fan-outs; the clock then runs through Friday
    const started = (await harness.stack.runBroadcastScheduler()) as { started: unknown[] };
    await harness.stack.settle();
    const again = (await harness.stack.runBroadcastScheduler()) as { started: unknown[] };
    await at(FRIDAY + 1 * 3_600_000 - MINUTE);
    const tokyoEarly = pushesTo(tokyo).length;
    await at(FRIDAY + 1 * 3_600_000 + MINUTE); // 10:01 in Tokyo
    const tokyoOnTime = pushesTo(tokyo).length;
    await new DynamoCampaignStore(harness.stack.clients.dynamo, harness.stack.stack.resources.Campaigns!.name).setActive('silver-preview', false, new Date(harness.now()));
    await at(FRIDAY + 9 * 3_600_000 + MINUTE); // 10:01 in Paris
    await at(FRIDAY + 18 * 3_600_000 + MINUTE); // 10:01 in Los Angeles
    // A week later: the next occurrence reaches the same users, whose 10-day cap holds it back.
    harness.setNow(FRIDAY + 7 * DAY - 4 * 3_600_000);
    await harness.stack.runBroadcastScheduler();
    await harness.stack.settle();
    await at(FRIDAY + 7 * DAY + 18 * 3_600_000 + MINUTE);

    // Assess
    expect(started.started).toHaveLength(2);
    expect(again.started).toHaveLength(0);
    expect([tokyoEarly, tokyoOnTime]).toEqual([0, 1]);
    for (const user of [paris, tokyo, losAngeles]) expect(pushesTo(user)).toEqual(['This week\'s deals for members.']);
    expect(pushesTo(held)).toEqual([]);
    expect(await decisionsOf(held)).toEqual(expect.arrayContaining(['friday-deals:suppressed:HOLDOUT']));
    expect(await decisionsOf(paris)).toEqual(expect.arrayContaining(['friday-deals:sent', 'friday-deals:suppressed:ONCE_PER_CAMPAIGN']));
    expect(pushesTo(silver)).toEqual([]);
    expect(await decisionsOf(silver)).toEqual(['silver-preview:suppressed:CAMPAIGN_NOT_ACTIVE']);
    const runs = await new DynamoBroadcastRuns(harness.stack.clients.dynamo, harness.stack.stack.resources.Experiments!.name).list('friday-deals');
    expect(runs.map((run) => [run.occurrence, run.status, run.recipients, run.enqueued])).toEqual([
      [`${iso(FRIDAY + 7 * DAY).slice(0, 10)}T10:00`, 'done', 4, 4],
      [`${iso(FRIDAY).slice(0, 10)}T10:00`, 'done', 4, 4],
    ]);
    expect(runs[1]!.leftOut).toEqual({ notInAudience: 1 });
  });

  it('sends a broadcast to an imported CSV segment, at 10:00 London for everybody, deferring those in their quiet hours', async () => {
    // Prepare
    await harness.stack.clients.s3.send(new PutObjectCommand({ Bucket: harness.stack.stack.resources.Reports!.name, Key: 'segments/vip-list.csv', Body: `userId\n${paris}\n${losAngeles}\nnobody-we-know\n` }));
    const christmasEve = Date.parse(`${TEST_YEAR}-12-24T10:00:00.000Z`);

    // Act
    harness.setNow(christmasEve - 15 * MINUTE);
    await harness.stack.runBroadcastScheduler();
    await harness.stack.settle();
    await at(christmasEve + MINUTE);
    const atTen = { paris: pushesTo(paris).length, losAngeles: pushesTo(losAngeles).length };
    await at(christmasEve + 6 * 3_600_000 + MINUTE); // 08:01 in Los Angeles, the end of its quiet hours

    // Assess
    expect(atTen).toEqual({ paris: 2, losAngeles: 1 });
    expect(pushesTo(losAngeles)).toHaveLength(2);
    expect(pushesTo(tokyo)).toHaveLength(1);
    expect(await decisionsOf(losAngeles)).toEqual(expect.arrayContaining(['vip-christmas:sent']));
  });
});
