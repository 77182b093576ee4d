import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import inboxOpenApi from '../../../../events/openapi-inbox.json';
import type { PipelineEvent } from '../../../../layers/core/contract/pipeline-event';
import { inboxIdOf, sortKeyOfId, type InboxMessage } from '../../../../layers/core/inbox/inbox-message';
import { allowUser, deny } from '../../../../layers/core/inbox/inbox-policy';
import { readInboxPage, recordInboxAction, type InboxDeps } from '../../../../layers/core/inbox/inbox-requests';
import { InMemoryInbox } from '../../../helpers/in-memory-inbox';

const T0 = Date.parse('2026-11-22T12:00:00.000Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
let sequence = 0;
const message = (overrides: Partial<InboxMessage> = {}): InboxMessage => {
  const n = ++sequence;
  return {
    userId: 'alice',
    messageId: n.toString(16).padStart(32, '0'),
    campaignId: 'cart-reminder',
    variant: 'default',
    slot: 'inbox',
    priority: 0,
    title: `Title ${n}`,
    body: 'Body',
    receivedAt: at(-n),
    expiresAt: at(72),
    ...overrides,
  };
};

const setup = (now = T0) => {
  const inbox = new InMemoryInbox();
  const emitted: PipelineEvent[] = [];
  const deps: InboxDeps = { inbox, emit: async (events) => void emitted.push(...events), clock: () => new Date(now) };
  return { inbox, emitted, deps };
};

describe('readInboxPage', () => {
  it('pages the inbox newest first, and gives the banners of every slot on the first page only, highest priority first', async () => {
    // Prepare
    const { inbox, deps } = setup();
    const items = [message(), message(), message()];
    const banners = [message({ slot: 'home-top', priority: 1 }), message({ slot: 'home-top', priority: 9 }), message({ slot: 'cart' })];
    for (const m of [...items, ...banners, message({ userId: 'bob' })]) await inbox.put(m);

    // Act
    const first = await readInboxPage('alice', { limit: '2' }, deps);
    const second = await readInboxPage('alice', { limit: '2', nextToken: first.nextToken! }, deps);

    // Assess
    expect(first.inbox.map((m) => m.title)).toEqual([items[0]!.title, items[1]!.title]);
    expect(first.banners['home-top']!.map((m) => m.priority)).toEqual([9, 1]);
    expect(Object.keys(first.banners).sort()).toEqual(['cart', 'home-top']);
    expect(second.inbox.map((m) => m.title)).toEqual([items[2]!.title]);
    expect(second.banners).toEqual({});
    expect(second.nextToken).toBeUndefined();
    expect(first.inbox[0]).toEqual({
      id: inboxIdOf(items[0]!),
      messageId: items[0]!.messageId,
      campaignId: 'cart-reminder',
      title: items[0]!.title,
      body: 'Body',
      slot: 'inbox',
      priority: 0,
      receivedAt: items[0]!.receivedAt,
      expiresAt: items[0]!.expiresAt,
      read: false,
      clicked: false,
    });
  });

  it('answers what events/openapi-inbox.json documents', async () => {
    // Prepare
    const ajv = addFormats(new Ajv({ strict: false }));
    ajv.addSchema(inboxOpenApi, 'inbox');
    const { inbox, deps } = setup();
    for (const m of [message({ deepLink: 'app://x', imageUrl: 'https://img.example.com/a.png' }), message({ slot: 'home-top' }), message()]) await inbox.put(m);

    // Act
    const page = await readInboxPage('alice', { limit: '1' }, deps);

    // Assess
    expect(ajv.validate('inbox#/components/schemas/InboxPage', page) || ajv.errors).toBe(true);
  });

  it('hides expired and dismissed messages, which TTL removes later', async () => {
    const { inbox, deps } = setup();
    const live = message();
    for (const m of [live, message({ expiresAt: at(0) }), message({ dismissedAt: at(-1) }), message({ slot: 'cart', expiresAt: at(-1) })]) await inbox.put(m);
    const page = await readInboxPage('alice', {}, deps);
    expect(page.inbox.map((m) => m.messageId)).toEqual([live.messageId]);
    expect(page.banners).toEqual({});
  });

  it('reads one slot of banners when asked', async () => {
    const { inbox, deps } = setup();
    for (const m of [message({ slot: 'home-top' }), message({ slot: 'cart' })]) await inbox.put(m);
    expect(Object.keys((await readInboxPage('alice', { slot: 'cart' }, deps)).banners)).toEqual(['cart']);
  });

  it.each([
    [{ limit: '0' }, 'INVALID_LIMIT', 'limit'],
    [{ limit: '51' }, 'INVALID_LIMIT', 'limit'],
    [{ limit: 'ten' }, 'INVALID_LIMIT', 'limit'],
    [{ nextToken: 'not-a-token' }, 'INVALID_NEXT_TOKEN', 'nextToken'],
    [{ nextToken: Buffer.from('b#cart#2026').toString('base64url') }, 'INVALID_NEXT_TOKEN', 'nextToken'],
    [{ slot: 'Home Top' }, 'INVALID_SLOT', 'slot'],
  ])('refuses %j with %s naming %s', async (query, code, field) => {
    await expect(readInboxPage('alice', query, setup().deps)).rejects.toMatchObject({ statusCode: 400, code, field });
  });
});

describe('recordInboxAction', () => {
  it('marks a message and puts its impression and click on the stream, the first time only', async () => {
    // Prepare
    const { inbox, deps, emitted } = setup();
    const m = message();
    await inbox.put(m);
    const id = inboxIdOf(m);

    // Act
    const shown = await recordInboxAction('alice', id, '{"action":"impression"}', deps);
    await recordInboxAction('alice', id, '{"action":"impression"}', deps);
    const clicked = await recordInboxAction('alice', id, '{"action":"click"}', deps);
    await recordInboxAction('alice', id, '{"action":"click"}', deps);

    // Assess
    expect(shown).toMatchObject({ read: false, clicked: false });
    expect(clicked).toMatchObject({ read: true, clicked: true });
    expect(emitted).toEqual([
      { type: 'in_app_impression', insertId: `in_app_impression-${m.messageId}`, userId: 'alice', timestamp: at(0), properties: { messageId: m.messageId, campaignId: 'cart-reminder' } },
      { type: 'in_app_click', insertId: `in_app_click-${m.messageId}`, userId: 'alice', timestamp: at(0), properties: { messageId: m.messageId, campaignId: 'cart-reminder' } },
    ]);
  });

  it('dismisses and reads without events; a dismissed message leaves the page', async () => {
    const { inbox, deps, emitted } = setup();
    const m = message();
    await inbox.put(m);
    await recordInboxAction('alice', inboxIdOf(m), '{"action":"read"}', deps);
    await recordInboxAction('alice', inboxIdOf(m), '{"action":"dismiss"}', deps);
    expect(emitted).toEqual([]);
    expect((await readInboxPage('alice', {}, deps)).inbox).toEqual([]);
  });

  it('finds nothing for another user, an expired message, or an id it never gave out', async () => {
    const { inbox, deps } = setup();
    const m = message();
    const old = message({ expiresAt: at(-1) });
    for (const each of [m, old]) await inbox.put(each);
    await expect(recordInboxAction('bob', inboxIdOf(m), '{"action":"click"}', deps)).rejects.toMatchObject({ statusCode: 404, code: 'MESSAGE_NOT_FOUND' });
    await expect(recordInboxAction('alice', inboxIdOf(old), '{"action":"click"}', deps)).rejects.toMatchObject({ statusCode: 404, code: 'MESSAGE_NOT_FOUND' });
    await expect(recordInboxAction('alice', 'nonsense', '{"action":"click"}', deps)).rejects.toMatchObject({ statusCode: 404, code: 'MESSAGE_NOT_FOUND' });
    expect(sortKeyOfId(Buffer.from('i#x').toString('base64url'))).toBeUndefined();
  });

  it.each([
    ['{', 'INVALID_JSON', 'body'],
    ['{"action":"like"}', 'INVALID_ACTION', 'action'],
    ['null', 'INVALID_ACTION', 'action'],
  ])('refuses the body %s with %s', async (body, code, field) => {
    const { inbox, deps } = setup();
    const m = message();
    await inbox.put(m);
    await expect(recordInboxAction('alice', inboxIdOf(m), body, deps)).rejects.toMatchObject({ statusCode: 400, code, field });
  });
});

describe('the authorizer policy', () => {
  const arn = (user: string, rest = 'GET/v1/users/' + user + '/messages') => `arn:aws:execute-api:eu-west-1:123456789012:abc123/live/${rest}`;

  it('allows the proven user\'s two routes only, so a cached answer denies every other user', () => {
    expect(allowUser(arn('alice'), 'alice')).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['arn:aws:execute-api:eu-west-1:123456789012:abc123/live/GET/v1/users/alice/messages', 'arn:aws:execute-api:eu-west-1:123456789012:abc123/live/POST/v1/users/alice/messages/*'] },
        ],
      },
      context: { userId: 'alice', code: 'TOKEN_NOT_FOR_USER' },
    });
  });

  it('refuses user ids that would be wildcards in a policy, and paths that are not the inbox', () => {
    expect(allowUser(arn('al*'), 'al*')).toBeUndefined();
    expect(allowUser(arn('a?'), 'a?')).toBeUndefined();
    expect(allowUser('arn:aws:execute-api:eu-west-1:1:abc/live/GET/v1/events', 'alice')).toBeUndefined();
  });

  it('denies with the code the gateway shows', () => {
    expect(deny(arn('alice'), 'TOKEN_EXPIRED')).toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny', Resource: [arn('alice')] }] }, context: { code: 'TOKEN_EXPIRED' } });
  });
});
