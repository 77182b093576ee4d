import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoKpiStore } from '../../layers/adapters/dynamo-kpi-store';
import { DynamoMessageLog } from '../../layers/adapters/dynamo-message-log';
import { userHashOf } from '../../layers/core/inbox/user-token';
import { funnelRows } from '../../layers/core/kpis/kpi-report';
import { readDeliveryPolicy } from '../../layers/core/messaging/delivery-policy';
import { buildWhyReport, formatWhyReport } from '../../scripts/why/why-report';
import { itWithBrowser, launchChromium, serveFolder } from '../helpers/browser';
import { TEST_YEAR } from '../helpers/test-calendar';
import { endpointOf, virtualClockStack } from '../helpers/virtual-clock-stack';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** 22:30 in London, in March: in quiet hours (22:00–08:00). */
const START = Date.parse(`${TEST_YEAR}-03-10T22:30:00.000Z`);
const CAMPAIGN = 'second-look-in-app';

/** Another in-app campaign, sent at once on add_to_cart: with one in-app message a day allowed, it is capped. */
const CART_BANNER = `
id: cart-banner
name: Cart banner
category: marketing
trigger: { event: { type: add_to_cart } }
content:
  - name: default
    title: Free delivery on this cart
    body: Check out today and delivery is on us.
channels: [in-app]
inApp: { slot: cart }
caps: { oncePer: 1d }
`;

/**
 * The in-app channel end to end on a virtual clock, with the sample campaign events/samples/second-look-in-app.yaml
 * (a second look at a product within the hour): a [push, in-app] campaign reaches a user without
 * push consent in-app, at night, while a user with push waits for the morning; the app fetches the inbox
 * with the user's hash and not with another's; the impression and the click reach the funnel; the
 * in-app cap holds a second campaign; the message is gone once expired; `npm run why` explains it all.
 */
describe('in-app messages on a virtual clock', () => {
  const campaignsDir = mkdtempSync(join(tmpdir(), 'in-app-campaigns-'));
  const harness = virtualClockStack(START, { seedCampaigns: campaignsDir, environment: { IN_APP_CAP_PER_24H: '1' } });
  const { at } = harness;
  const token = (userId: string) => `UserHash ${userHashOf(userId, harness.stack.inboxSigningSecret)}`;
  const inbox = async (path: string, authorization?: string, init: RequestInit = {}) => {
    const response = await fetch(`${harness.stack.inboxUrl}/v1/users/${path}`, { ...init, headers: { ...(authorization && { Authorization: authorization }), ...init.headers } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const act = (userId: string, id: string, action: string) =>
    inbox(`${userId}/messages/${id}`, token(userId), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action }) });
  const decisions = (userId: string) => new DynamoMessageLog(harness.stack.clients.dynamo, harness.stack.stack.resources.Messages!.name).decisions(userId);

  beforeAll(async () => {
    copyFileSync(join(__dirname, '../../events/samples/second-look-in-app.yaml'), join(campaignsDir, 'second-look-in-app.yaml'));
    writeFileSync(join(campaignsDir, 'cart-banner.yaml'), CART_BANNER);
    await harness.start();
  }, 120_000);
  afterAll(async () => {
    await harness.stop();
    rmSync(campaignsDir, { recursive: true, force: true });
  });

  it('sends in-app to the user without push consent at once, at night, and defers the push user to the morning', async () => {
    // Prepare: ann and cai gave no push consent; ben did, with an endpoint
    // (an hour ago: tracking consent covers what comes after it)
    const identify = (userId: string, consent: object, extra: object = {}) =>
      harness.event({ userId }, 'identify', { timeZone: 'Europe/London', consent: { tracking: true, ...consent }, ...extra }, -60 * MINUTE);
    await harness.post(identify('ann', {}), identify('ben', { push: true }, { pushEndpointArn: endpointOf('ben') }), identify('cai', {}));

    // Act: each looks at the same product twice within the hour
    const look = (userId: string, offsetMs: number) => harness.event({ userId }, 'product_view', { productId: '85123A', dwellMs: 5_000 }, offsetMs);
    await harness.post(...['ann', 'ben', 'cai'].flatMap((userId) => [look(userId, -20 * MINUTE), look(userId, 0)]));

    // Assess
    for (const user of ['ann', 'cai']) expect((await decisions(user)).map((d) => [d.campaignId, d.status, d.channel])).toEqual([[CAMPAIGN, 'sent', 'in-app']]);
    expect((await decisions('ben')).map((d) => [d.campaignId, d.status, d.reason])).toEqual([[CAMPAIGN, 'deferred', 'QUIET_HOURS']]);
    expect(harness.pushesTo('ben')).toEqual([]);
  });

  it('serves the banner to its user with her hash, and to nobody else', async () => {
    // Act
    const own = await inbox('ann/messages', token('ann'));
    const writeKey = await inbox('ann/messages', undefined, { headers: { 'x-api-key': harness.stack.apiKey } });
    const writeKeyAsToken = await inbox('ann/messages', harness.stack.apiKey);
    const bensHash = await inbox('ann/messages', token('ben'));
    const annsHashOnBen = await inbox('ben/messages', token('ann'));
    const bensOwn = await inbox('ben/messages', token('ben'));

    // Assess
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ userId: 'ann', inbox: [], banners: { 'home-top': [{ title: 'Back for another look?', body: 'Use code SAVE10 for 10% off the item you viewed.', deepLink: 'app://product/85123A', imageUrl: 'https://cdn.example.com/campaigns/save10.png', priority: 50, read: false }] } });
    expect([writeKey, writeKeyAsToken, bensHash].map((r) => [r.status, r.body.error.code])).toEqual([
      [401, 'TOKEN_MISSING'],
      [401, 'TOKEN_MALFORMED'],
      [401, 'TOKEN_INVALID'],
    ]);
    expect([annsHashOnBen.status, annsHashOnBen.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
    expect(bensOwn).toMatchObject({ status: 200, body: { inbox: [], banners: {} } });
  });

  it('counts the impression and the click in the campaign funnel, once each', async () => {
    // Prepare
    const [banner] = (await inbox('ann/messages', token('ann'))).body.banners['home-top'];

    // Act: the app shows it (twice) and the user taps it
    await harness.at(START + 10 * MINUTE);
    await act('ann', banner.id, 'impression');
    await act('ann', banner.id, 'impression');
    const clicked = await act('ann', banner.id, 'click');
    await harness.stack.settle();

    // Assess
    expect(clicked.body).toMatchObject({ read: true, clicked: true });
    const days = [new Date(START).toISOString().slice(0, 10)];
    const rows = await new DynamoKpiStore(harness.stack.clients.dynamo, harness.stack.stack.resources.Kpis!.name).counters(CAMPAIGN, days);
    const [row] = funnelRows(rows, { from: days[0]!, to: days[0]!, timeZone: 'UTC', by: ['channel'] });
    // cai's message is sent too, not yet seen: the browser shows it next.
    expect(row).toMatchObject({ channel: 'in-app', totals: { sent: 2, impressions: 1, opened: 1 } });
  });

  itWithBrowser('renders in the sample page (events/samples/inbox.html) in Chromium, and a tap there reaches the funnel', async () => {
    // Prepare: the page from an origin of its own, as an app's web view would be
    const site = await serveFolder(join(__dirname, '../../events/samples'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const fragment = new URLSearchParams({ api: harness.stack.inboxUrl, user: 'cai', token: token('cai') });
      // The page retries a report the API failed (5xx), as an app should: the one that counts is the 200.
      const impression = page.waitForResponse((response) => response.request().method() === 'POST' && response.request().postData()?.includes('impression') === true && response.status() === 200);

      // Act
      await page.goto(`${site.url}/inbox.html#${fragment}`);
      const banner = page.getByTestId('banner');
      await banner.waitFor();
      expect((await impression).status()).toBe(200);
      await banner.click();
      await page.getByText('Opened app://product/85123A').waitFor();

      // Assess
      expect(await banner.textContent()).toContain('Use code SAVE10 for 10% off the item you viewed.');
      expect(await page.getByTestId('error').textContent()).toBe('');
    } finally {
      await browser.close();
      await site.stop();
    }
    await harness.stack.settle();
    const days = [new Date(START).toISOString().slice(0, 10)];
    const rows = await new DynamoKpiStore(harness.stack.clients.dynamo, harness.stack.stack.resources.Kpis!.name).counters(CAMPAIGN, days);
    expect(funnelRows(rows, { from: days[0]!, to: days[0]!, timeZone: 'UTC', by: ['channel'] })[0]).toMatchObject({ totals: { sent: 2, impressions: 2, opened: 2 } });
  });

  itWithBrowser('shows the API\'s code in the sample page when the token is wrong', async () => {
    const site = await serveFolder(join(__dirname, '../../events/samples'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${site.url}/inbox.html#${new URLSearchParams({ api: harness.stack.inboxUrl, user: 'cai', token: token('ann') })}`);
      await page.getByText('TOKEN_INVALID').waitFor();
    } finally {
      await browser.close();
      await site.stop();
    }
  });

  it('holds a second in-app campaign on the rolling in-app cap', async () => {
    // Act
    await harness.post(harness.event({ userId: 'ann' }, 'add_to_cart', { productId: '85123A', quantity: 1, price: 2.55 }));

    // Assess
    expect((await decisions('ann')).find((d) => d.campaignId === 'cart-banner')).toMatchObject({ status: 'suppressed', reason: 'FREQUENCY_CAP_IN_APP', detail: '1 of 1 in 24h' });
  });

  it('leaves the inbox when it expires, and answers 404 for it', async () => {
    // Prepare
    const [banner] = (await inbox('ann/messages', token('ann'))).body.banners['home-top'];

    // Act: three days after it was sent
    await harness.at(START + 3 * DAY + MINUTE);
    const page = await inbox('ann/messages', token('ann'));
    const late = await act('ann', banner.id, 'click');

    // Assess
    expect(page.body).toMatchObject({ inbox: [], banners: {} });
    expect([late.status, late.body.error.code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
  });

  it('explains every in-app decision with npm run why', async () => {
    const log = new DynamoMessageLog(harness.stack.clients.dynamo, harness.stack.stack.resources.Messages!.name);
    const [decisionsOfAnn, caps] = await Promise.all([log.decisions('ann'), log.caps('ann')]);
    const text = formatWhyReport(buildWhyReport({ userId: 'ann', decisions: decisionsOfAnn, caps, timers: [], policy: readDeliveryPolicy({ IN_APP_CAP_PER_24H: '1' }), now: new Date(START + 10 * MINUTE) }));
    expect(text).toMatch(/second-look-in-app\s+in-app\s+sent/);
    expect(text).toMatch(/cart-banner\s+-\s+not sent\s+FREQUENCY_CAP_IN_APP \(1 of 1 in 24h\)/);
    expect(text).toContain('in-app 1/1');
  });
});
