import { GetQueueAttributesCommand, CreateQueueCommand } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drainQueue } from '../helpers/drain-queue';
import { postEvents } from '../helpers/post-events';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { assignArm } from '../../layers/core/rollouts/bucketing';
import { DynamoExperimentStore } from '../../layers/adapters/dynamo-experiment-store';
import { TEST_YEAR } from '../helpers/test-calendar';

/** A Tuesday, 10:00 in London: every stage starts at this time of day. */
const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The test campaigns' assignment settings (their files' defaults): 50/50 control, no A/B variants. */
const ASSIGNMENT = { controlShare: 0.5, variants: [{ name: 'default', weight: 1 }] };

const endpointOf = (userId: string) => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;

/** A campaign pushed on a page view of `page`, rolled out 5 → 20 → 50 → 100 % with a 50/50 control. */
const campaignFile = (id: string, page: string) => `
id: ${id}
name: Rollout ${id}
category: marketing
trigger:
  event: { type: page_view, where: { page: { equals: ${page} } } }
audience: {}
content:
  - name: default
    title: Today only
    body: Free delivery on everything today.
channels: [push]
caps: { oncePer: 7d }
rollout:
  stages: [5, 20, 50, 100]
  bake: 24h
  minimumPerArm: 50
experiment:
  attributionWindow: 24h
`;

/**
 * Staged rollouts through the whole local stack on a virtual clock: users arrive during each bake
 * (the Rollout state machine, executed from its synthesized definition, waits for the test's
 * traffic instead of a day), deliver messages the treatment and holds the control out, process-events
 * attributes purchases, and the evaluate step decides. The users are chosen among those the current
 * exposure includes (everyone else is suppressed as NOT_IN_ROLLOUT, checked once), and who buys is
 * scripted per arm at exact rates, so every decision is deterministic.
 */
describe('staged rollouts on a virtual clock', () => {
  let stack: LocalStack;
  let now = T0;
  let insertIds = 0;
  let alertsQueueUrl: string;
  const campaignsDir = mkdtempSync(join(tmpdir(), 'rollout-campaigns-'));

  beforeAll(async () => {
    writeFileSync(join(campaignsDir, 'lift.yaml'), campaignFile('rollout-lift', '/lift'));
    writeFileSync(join(campaignsDir, 'drop.yaml'), campaignFile('rollout-drop', '/drop'));
    writeFileSync(join(campaignsDir, 'srm.yaml'), campaignFile('rollout-srm', '/srm'));
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date(now), pollIntervalMs: 50, seedCampaigns: campaignsDir });
    const { QueueUrl } = await stack.clients.sqs.send(new CreateQueueCommand({ QueueName: 'test-alerts' }));
    const { Attributes } = await stack.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await stack.clients.sns.send(new SubscribeCommand({ TopicArn: stack.stack.resources.Alerts!.arn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    alertsQueueUrl = QueueUrl!;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(campaignsDir, { recursive: true, force: true });
  });

  const event = (userId: string, type: string, properties: Record<string, unknown> = {}) => ({
    type,
    insertId: `rollout-${String(++insertIds).padStart(6, '0')}`,
    userId,
    timestamp: new Date(now).toISOString(),
    properties,
  });

  const post = (events: object[]) => postEvents(stack, events);

  /** The next `count` user ids whose exposure bucket is inside `exposurePercent` and not taken before. */
  const taken = new Set<string>();
  const exposedUsers = (campaignId: string, exposurePercent: number, count: number, keep: (arm: string) => boolean = () => true) => {
    const users: string[] = [];
    for (let n = 0; users.length < count; n++) {
      const userId = `${campaignId}-u${n}`;
      if (taken.has(userId)) continue;
      const { arm } = assignArm(userId, campaignId, exposurePercent, ASSIGNMENT);
      if (arm === 'unexposed' || !keep(arm)) continue;
      taken.add(userId);
      users.push(userId);
    }
    return users;
  };

  const armOf = (campaignId: string, userId: string) => assignArm(userId, campaignId, 100, ASSIGNMENT).arm;
  const pushesTo = (userId: string) => stack.emulators.directPublishes.list().filter((p) => p.targetArn === endpointOf(userId));

  /**
   * One bake: `users` identify and view the campaign's page (the trigger), then, an hour later, those
   * `converts` picks buy; then the rest of the day passes.
   */
  const bake = async (campaignId: string, page: string, users: string[], converts: (arm: string, indexInArm: number) => boolean) => {
    await post(users.flatMap((userId) => [event(userId, 'identify', { timeZone: 'Europe/London', pushEndpointArn: endpointOf(userId), consent: { tracking: true, push: true } }), event(userId, 'page_view', { page })]));
    now += HOUR;
    const seen: Record<string, number> = {};
    const buyers = users.filter((userId) => {
      const arm = armOf(campaignId, userId);
      seen[arm] = (seen[arm] ?? 0) + 1;
      return converts(arm, seen[arm]! - 1);
    });
    await post(buyers.map((userId) => event(userId, 'purchase', { orderId: `o-${userId}`, currency: 'GBP', items: [{ productId: '85123A', quantity: 1, price: 2.55 }] })));
    now += DAY - HOUR;
  };

  const alerts = async () => (await drainQueue(stack.clients.sqs, alertsQueueUrl)).map((body) => JSON.parse(body || '{}') as { alarm?: string; campaignId?: string; reason?: string });

  const store = () => new DynamoExperimentStore(stack.clients.dynamo, stack.stack.resources.Experiments!.name);

  it('takes a campaign with a genuine lift to 100%, messaging only treatment users, with a report', async () => {
    // Prepare: a few users outside the first stage's 5%
    const outside: string[] = [];
    for (let n = 0; outside.length < 3; n++) {
      const userId = `outside-u${n}`;
      if (assignArm(userId, 'rollout-lift', 5, ASSIGNMENT).arm === 'unexposed' && assignArm(userId, 'rollout-lift', 100, ASSIGNMENT).arm === 'treatment') outside.push(userId);
    }
    const stageUsers: string[][] = [];

    // Act: control converts 20%, treatment 50%
    const result = await stack.runRollout('rollout-lift', {
      onBake: async ({ stageIndex, exposurePercent }) => {
        const users = exposedUsers('rollout-lift', exposurePercent, 120);
        stageUsers.push(users);
        await bake('rollout-lift', '/lift', stageIndex === 0 ? [...users, ...outside] : users, (arm, i) => (arm === 'control' ? i % 5 === 0 : i % 2 === 0));
      },
    });

    // Assess
    expect(result.outcome).toBe('Completed');
    const state = await store().load('rollout-lift');
    expect(state).toMatchObject({ status: 'completed', exposurePercent: 100 });
    expect(state!.looks.map((look) => look.decision).at(-1)).toBe('complete');
    expect(state!.looks.every((look) => look.decision === 'promote' || look.decision === 'complete')).toBe(true);
    // treatment users got the push, control users were held out ("would have been sent"), outsiders were not in the rollout
    const first = stageUsers[0]!;
    const treated = first.filter((u) => armOf('rollout-lift', u) === 'treatment');
    const control = first.filter((u) => armOf('rollout-lift', u) === 'control');
    expect(treated.every((u) => pushesTo(u).length === 1)).toBe(true);
    expect(control.every((u) => pushesTo(u).length === 0)).toBe(true);
    expect(outside.every((u) => pushesTo(u).length === 0)).toBe(true);
    const reasons = async (userId: string) => {
      const { Items = [] } = await stack.clients.dynamo.send(
        new QueryCommand({ TableName: stack.stack.resources.Messages!.name, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }),
      );
      return Items.filter((item) => String(item.sk).startsWith('MSG#')).map((item) => item.reason ?? item.status);
    };
    expect(await reasons(control[0]!)).toEqual(['CONTROL_GROUP']);
    expect(await reasons(outside[0]!)).toEqual(['NOT_IN_ROLLOUT']);
    // the counters saw every exposed user once and every buyer once
    const counts = await store().counts('rollout-lift', state!.runId);
    expect(counts.control.exposed + counts.variants.default!.exposed).toBe(stageUsers.flat().length);
    expect(counts.control.converted / counts.control.exposed).toBeCloseTo(0.2, 1);
    expect(counts.variants.default!.converted / counts.variants.default!.exposed).toBeCloseTo(0.5, 1);
    // the report is an HTML page with a chart, copied out of the Reports bucket
    const html = readFileSync(result.reportFile!, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('completed');
    rmSync(result.reportFile!, { force: true });
  }, 180_000);

  it('rolls back a campaign whose conversion drops 20% at its first stage, and alerts', async () => {
    // Act: control converts 90%, treatment 72% (a 20% relative drop), exactly
    const result = await stack.runRollout('rollout-drop', {
      onBake: async ({ exposurePercent }) => {
        await bake('rollout-drop', '/drop', exposedUsers('rollout-drop', exposurePercent, 220), (arm, i) => (arm === 'control' ? i % 10 !== 9 : i % 25 < 18));
      },
    });

    // Assess
    expect(result.outcome).toBe('RolledBack');
    const state = await store().load('rollout-drop');
    expect(state).toMatchObject({ status: 'rolled-back', exposurePercent: 0 });
    expect(state!.looks).toHaveLength(1);
    expect(state!.looks[0]!.guardrail.crossed).toBe(true);
    const received = await alerts();
    expect(received).toEqual([expect.objectContaining({ campaignId: 'rollout-drop', alarm: expect.stringContaining('rolled back') })]);
    // exposure 0: a user the first stage would have included is no longer messaged
    const [late] = exposedUsers('rollout-drop', 5, 1, (arm) => arm === 'treatment');
    await post([event(late!, 'identify', { timeZone: 'Europe/London', pushEndpointArn: endpointOf(late!), consent: { tracking: true, push: true } }), event(late!, 'page_view', { page: '/drop' })]);
    expect(pushesTo(late!)).toHaveLength(0);
    rmSync(result.reportFile!, { force: true });
  }, 180_000);

  it('holds a campaign whose arms are out of ratio, keeps its exposure, and alerts', async () => {
    // Act: three treatment users for every control user reach the pipeline (as if control users were lost)
    const result = await stack.runRollout('rollout-srm', {
      onBake: async ({ exposurePercent }) => {
        const users = [...exposedUsers('rollout-srm', exposurePercent, 150, (arm) => arm === 'treatment'), ...exposedUsers('rollout-srm', exposurePercent, 50, (arm) => arm === 'control')];
        await bake('rollout-srm', '/srm', users, (_arm, i) => i % 5 === 0);
      },
    });

    // Assess
    expect(result.outcome).toBe('Held');
    const state = await store().load('rollout-srm');
    expect(state).toMatchObject({ status: 'held', exposurePercent: 5 });
    expect(state!.looks[0]).toMatchObject({ decision: 'hold', srm: expect.objectContaining({ mismatch: true }) });
    expect(state!.looks[0]!.srm.pValue).toBeLessThan(0.001);
    expect(await alerts()).toEqual([expect.objectContaining({ campaignId: 'rollout-srm', alarm: expect.stringContaining('holds') })]);
    rmSync(result.reportFile!, { force: true });
  }, 180_000);
});
