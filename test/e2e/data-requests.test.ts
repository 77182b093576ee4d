import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditTrail } from '../../layers/adapters/dynamo-audit-trail';
import { DynamoExperimentStore } from '../../layers/adapters/dynamo-experiment-store';
import { callAdmin } from '../../scripts/dsr/admin-client';
import { runDsr } from '../../scripts/dsr/dsr-cli';
import type { DataRequestReceipt } from '../../layers/core/compliance/request-receipt';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { postEvents } from '../helpers/post-events';
import { localLogSample } from '../../scripts/audit/audit-sources';
import { keepFunctionLogs } from '../../scripts/local-stack/function-logs';
import { TEST_YEAR } from '../helpers/test-calendar';

const T0 = Date.parse(`${TEST_YEAR}-11-24T12:00:00.000Z`);
const DAY = 86_400_000;
const MINUTE = 60_000;
const USER = 'dana-7f3c';
const PHONE = '+447700900123';
const ENDPOINT = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/dana-device';
const HOME = ['HOME-0', 'HOME-1', 'HOME-2', 'HOME-3'];

/**
 * A data-subject export and erasure through the local stack, as `npm run dsr` asks for them: the
 * admin API (SigV4 checked by the local gateway), the DataRequest state machine run from the
 * synthesized template: a user who touched every feature (consent changes, identity with a phone
 * number and a push endpoint, behaviour in the archive, a push in the ledger and the funnel, an armed
 * timer, a rollout exposure, history in the trained model) is exported (every store in the document)
 * and erased; then every table and every object of the stack is scanned for the user id, the phone
 * number and the endpoint, and the aggregates are compared with what they were.
 */
describe('data-subject requests through the local stack', () => {
  let stack: LocalStack;
  let now = T0;
  let ids = 0;

  const logFile = join(mkdtempSync(join(tmpdir(), 'dsr-logs-')), 'functions.log');
  let restoreLogs: () => void = () => undefined;

  beforeAll(async () => {
    // Every function logs at INFO into a file, as npm start keeps them; the last assertion scans it.
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    restoreLogs = keepFunctionLogs(logFile);
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date(now), pollIntervalMs: 50, environment: { RETRAINING_MIN_NEW_INTERACTIONS: '1' } });
  });
  afterAll(async () => {
    await stack?.stop();
    restoreLogs();
    delete process.env.POWERTOOLS_LOG_LEVEL;
  });

  const event = (userId: string, type: string, at: number, properties: Record<string, unknown>) => ({
    type,
    insertId: `dsr-e2e-${String(++ids).padStart(5, '0')}`,
    userId,
    timestamp: new Date(at).toISOString(),
    properties,
  });
  const grant = (userId: string, at: number) => event(userId, 'consent', at, { purposes: { tracking: true, push: true, sms: true }, source: 'consent-banner', version: 'privacy-3' });
  const purchase = (userId: string, at: number, productIds: readonly string[]) =>
    event(userId, 'purchase', at, { orderId: `o-${ids}`, currency: 'GBP', items: productIds.map((productId) => ({ productId, quantity: 1, price: 3 })) });

  /** `npm run dsr -- <kind> <user> --wait --json`, through the admin API with SigV4, as an operator runs it. */
  const run = async (kind: 'export' | 'erase'): Promise<DataRequestReceipt> => {
    const target = { baseUrl: `${stack.url}/`, region: stack.emulators.region, credentials: async () => stack.emulators.credentials, local: true };
    const { lines, exitCode } = await runDsr([kind, USER, '--wait', '--json'], { target, sleep: () => new Promise((resolve) => setTimeout(resolve, 50)) });
    expect([exitCode, lines[0]]).toEqual([0, expect.stringMatching(new RegExp(`^${kind} started: request `))]);
    return JSON.parse(lines.slice(1).join('\n')) as DataRequestReceipt;
  };
  const readObject = async (bucket: string, key: string): Promise<string> => {
    const body = await (await stack.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
    return (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : Buffer.from(body)).toString('utf8');
  };
  const resourcesOf = (type: string) => Object.values(stack.stack.resources).filter((resource) => resource.type === type);
  const scanTable = async (name: string): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack.clients.dynamo.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const everyObject = async (): Promise<Array<{ bucket: string; key: string; text: string }>> => {
    const objects: Array<{ bucket: string; key: string; text: string }> = [];
    for (const { name: bucket } of resourcesOf('AWS::S3::Bucket')) {
      const { Contents = [] } = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const { Key } of Contents) objects.push({ bucket, key: Key!, text: await readObject(bucket, Key!) });
    }
    return objects;
  };
  /** Items that are not any one user's: funnel and behaviour counters, rollout state and arm counters. */
  const aggregates = async () => ({
    kpis: (await scanTable(stack.stack.resources.Kpis!.name)).filter((item) => !String(item.pk).startsWith('TOUCH#')).sort(byKey),
    experiments: (await scanTable(stack.stack.resources.Experiments!.name)).filter((item) => !String(item.pk).startsWith('USER#')).sort(byKey),
  });

  it('keeps the admin routes to SigV4-signed requests: unsigned, write-key-only and tampered requests are refused', async () => {
    const route = `${stack.url}/v1/admin/users/${USER}/exports`;
    const unsigned = await fetch(route, { method: 'POST' });
    const withKey = await fetch(route, { method: 'POST', headers: { 'x-api-key': stack.apiKey } });
    const target = { baseUrl: `${stack.url}/`, region: stack.emulators.region, credentials: async () => ({ ...stack.emulators.credentials, secretAccessKey: 'not-the-secret' }), local: true };
    const forged = await callAdmin(target, 'POST', `v1/admin/users/${USER}/exports`);

    expect([unsigned.status, ((await unsigned.json()) as { error: { code: string } }).error.code]).toEqual([403, 'MISSING_AUTHENTICATION_TOKEN']);
    expect([withKey.status, ((await withKey.json()) as { error: { code: string } }).error.code]).toEqual([403, 'MISSING_AUTHENTICATION_TOKEN']);
    expect([forged.status, (forged.body.error as { code: string }).code]).toEqual([403, 'INVALID_SIGNATURE']);
  });

  it('exports everything held about a user, then erases every trace and leaves the aggregates', async () => {
    // Prepare: 30 shoppers three days ago (a model to train), and the user, who touches every feature
    const shoppers = Array.from({ length: 30 }, (_, i) => `shopper-${i}`);
    await postEvents(stack, [...shoppers.map((id) => grant(id, T0 - 4 * DAY)), grant(USER, T0 - 4 * DAY)]);
    await postEvents(stack, [
      ...shoppers.map((id) => purchase(id, T0 - 3 * DAY, HOME)),
      event(USER, 'identify', T0 - 3 * DAY, { timeZone: 'Europe/London', phoneNumber: PHONE, pushEndpointArn: ENDPOINT, traits: { region: 'GB', memberLevel: 'gold' } }),
      purchase(USER, T0 - 3 * DAY + MINUTE, ['HOME-0', 'HOME-1']),
    ]);
    await stack.retrainModel();
    await postEvents(stack, [
      event(USER, 'consent', T0 - DAY, { purposes: { sms: false }, source: 'settings', version: 'privacy-3' }),
      ...[0, 1, 2].map((i) => event(USER, 'page_view', T0 - 10 * MINUTE + i * MINUTE, { page: `/p${i}` })),
      purchase(USER, T0 - MINUTE, ['HOME-2']),
    ]);
    await new DynamoExperimentStore(stack.clients.dynamo, stack.stack.resources.Experiments!.name).recordExposure({
      userId: USER,
      campaignId: 'browsed-three-pages',
      runId: 'run-1',
      arm: 'treatment',
      variant: 'default',
      exposedAt: new Date(T0).toISOString(),
      lastExposedAt: new Date(T0).toISOString(),
      messageIds: ['m-1'],
      attributionWindowMs: DAY,
    });
    await stack.settle();
    const before = await aggregates();

    // Act 1: export
    const exported = await run('export');

    // Assess 1: every store answered, and the document holds what each one has of the user
    expect(exported).toMatchObject({ kind: 'export', status: 'succeeded', exportKey: expect.stringMatching(/^exports\//) });
    const document = JSON.parse(await readObject(stack.stack.resources.Reports!.name, exported.exportKey!)) as { userId: string; stores: Record<string, { items: unknown[]; notes?: string[] }> };
    expect(document.userId).toBe(USER);
    expect(Object.keys(document.stores).sort()).toEqual(['archive', 'consents', 'decisions', 'experiments', 'exports', 'inbox', 'kpis', 'messages', 'models', 'personalize', 'personalize-exports', 'profiles', 'timers']);
    const counts = Object.fromEntries(Object.entries(document.stores).map(([store, { items }]) => [store, items.length]));
    for (const store of ['profiles', 'messages', 'timers', 'experiments', 'kpis', 'decisions', 'models']) expect(counts[store]).toBeGreaterThanOrEqual(1);
    expect(counts.consents).toBe(4); // tracking, push and sms granted; sms withdrawn
    expect(counts.archive).toBe(8); // 2 consents, identify, 2 purchases, 3 page views
    expect(JSON.stringify(document.stores.profiles)).toContain('+44••••••••23 (encrypted)');
    expect(JSON.stringify(document)).not.toContain(PHONE);
    expect(exported.stores.every((store) => store.outcome !== 'failed')).toBe(true);

    // Act 2: erase
    const erased = await run('erase');

    // Assess 2: the receipt names every store, by hash of the user
    expect(erased).toMatchObject({ kind: 'erase', status: 'succeeded', sweeps: 2, target: expect.stringMatching(/^user:[0-9a-f]{64}$/) });
    expect(erased.stores.map((store) => store.store).sort()).toEqual(Object.keys(document.stores).sort());
    expect(erased.stores.find((store) => store.store === 'archive')).toMatchObject({ outcome: 'erased', items: 8 });
    expect(erased.stores.find((store) => store.store === 'personalize')).toMatchObject({ outcome: 'exempt' });
    expect(JSON.stringify(erased)).not.toContain(USER);
    // Assess 3: no trace in any table or object; the aggregates are as they were
    const traces = [USER, PHONE, ENDPOINT];
    for (const { name } of resourcesOf('AWS::DynamoDB::Table')) {
      const text = JSON.stringify(await scanTable(name), (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
      for (const trace of traces) expect({ table: name, found: text.includes(trace) }).toEqual({ table: name, found: false });
    }
    for (const { bucket, key, text } of await everyObject()) {
      for (const trace of traces) expect({ object: `${bucket}/${key}`, found: text.includes(trace) }).toEqual({ object: `${bucket}/${key}`, found: false });
    }
    expect(await aggregates()).toEqual(before);
    // The other shoppers are untouched: still in the archive and the model
    const archive = (await everyObject()).filter(({ key }) => key.startsWith('archive/')).map(({ text }) => text).join('\n');
    expect(archive).toContain('shopper-29');
    // Assess 4: the audit trail has both requests, by the signer's IAM identity and the user's hash only
    const trail = await new DynamoAuditTrail(stack.clients.dynamo, stack.stack.resources.Audit!.name).list({ from: new Date(T0 - DAY).toISOString(), to: new Date(T0 + DAY).toISOString() });
    expect(trail.map(({ action, actor, target }) => ({ action, actor, target })).sort((a, b) => b.action.localeCompare(a.action))).toEqual([
      { action: 'data-request.export', actor: 'arn:aws:iam::000000000000:user/local', target: erased.target },
      { action: 'data-request.erase', actor: 'arn:aws:iam::000000000000:user/local', target: erased.target },
    ]);

    // Assess 5: the functions' logs of all of it hold no phone number, endpoint or address
    const logs = localLogSample(logFile) ?? [];
    expect(logs.map((source) => source.source)).toEqual(expect.arrayContaining(['data-request', 'deliver', 'ingest', 'process-events']));
    expect(logs.filter((source) => Object.keys(source.findings).length > 0)).toEqual([]);
    expect(readFileSync(logFile, 'utf8')).not.toContain(PHONE);
  }, 240_000);
});

const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => `${a.pk}/${a.sk}`.localeCompare(`${b.pk}/${b.sk}`);
