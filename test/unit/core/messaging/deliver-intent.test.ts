import { decideDelivery } from '../../../../layers/core/messaging/decide-delivery';
import { deliverIntent, type DeliverIntentDeps } from '../../../../layers/core/messaging/deliver-intent';
import { InvalidIntentError, parseIntent } from '../../../../layers/core/messaging/parse-intent';
import { intentFactory, profileFactory } from '../../../helpers/factories';
import { InMemoryMessageLog, InMemoryProfileStore, RecordingDeliveryEvents, RecordingPushSender } from '../../../helpers/in-memory-ports';

const NOW = new Date('2026-11-22T12:00:00.000Z');

describe('decideDelivery', () => {
  const intent = intentFactory();

  it.each([
    ['no profile', undefined, 'NO_PROFILE'],
    ['no consent', profileFactory({ consent: {} }), 'NO_CONSENT'],
    ['withdrawn consent', profileFactory({ consent: { push: { granted: false, at: '2026-11-02T00:00:00Z', source: 'identify' } } }), 'CONSENT_WITHDRAWN'],
    ['no endpoint', profileFactory({ channels: {} }), 'NO_PUSH_ENDPOINT'],
  ])('suppresses with %s', (_case, profile, reason) => {
    expect(decideDelivery(intent, profile)).toEqual({ send: false, reason });
  });

  it('suppresses a channel the slice does not deliver', () => {
    expect(decideDelivery(intentFactory({ channel: 'sms' }), profileFactory())).toEqual({ send: false, reason: 'CHANNEL_NOT_SUPPORTED' });
  });

  it('sends to the push endpoint when consent is granted', () => {
    expect(decideDelivery(intent, profileFactory())).toEqual({ send: true, channel: 'push', endpointArn: expect.stringContaining(':endpoint/') });
  });
});

describe('deliverIntent', () => {
  let deps: DeliverIntentDeps & { profiles: InMemoryProfileStore; log: InMemoryMessageLog; push: RecordingPushSender; deliveryEvents: RecordingDeliveryEvents };
  beforeEach(() => {
    deps = { profiles: new InMemoryProfileStore(), log: new InMemoryMessageLog(), push: new RecordingPushSender(), deliveryEvents: new RecordingDeliveryEvents() };
    deps.profiles.items.set('user-1', profileFactory());
  });

  it('sends once, logs it and announces it', async () => {
    // Act
    const result = await deliverIntent(intentFactory(), deps, NOW);

    // Assess
    expect(result).toEqual({ status: 'sent', providerMessageId: 'sns-1' });
    expect(JSON.parse(deps.push.sent[0]!.message)).toEqual(expect.objectContaining({ default: expect.any(String), GCM: expect.any(String), APNS: expect.any(String) }));
    expect(deps.deliveryEvents.published).toEqual([{ messageId: intentFactory().messageId, outcome: result }]);
  });

  it('never sends a redelivered intent twice', async () => {
    // Act
    await deliverIntent(intentFactory(), deps, NOW);
    const again = await deliverIntent(intentFactory(), deps, NOW);

    // Assess
    expect(again).toEqual({ status: 'duplicate' });
    expect(deps.push.sent).toHaveLength(1);
  });

  it('records a suppression with its reason and sends nothing', async () => {
    // Prepare
    deps.profiles.items.set('user-1', profileFactory({ consent: {} }));

    // Act
    const result = await deliverIntent(intentFactory(), deps, NOW);

    // Assess
    expect(result).toEqual({ status: 'suppressed', reason: 'NO_CONSENT' });
    expect(deps.push.sent).toHaveLength(0);
    expect(deps.log.entries.get(intentFactory().messageId)?.status).toBe('suppressed');
  });

  it('gives the claim back when the send fails, so the retry can send', async () => {
    // Prepare
    deps.push.failNext = 1;

    // Act
    await expect(deliverIntent(intentFactory(), deps, NOW)).rejects.toThrow('SNS unavailable');
    const retry = await deliverIntent(intentFactory(), deps, NOW);

    // Assess
    expect(retry.status).toBe('sent');
    expect(deps.push.sent).toHaveLength(1);
  });
});

describe('parseIntent', () => {
  it('round-trips an intent', () => {
    expect(parseIntent(JSON.stringify(intentFactory()))).toEqual(intentFactory());
  });

  it.each([['not json', '{'], ['not an object', '42'], ['missing fields', '{"messageId":"m"}']])('rejects %s', (_case, body) => {
    expect(() => parseIntent(body)).toThrow(InvalidIntentError);
  });
});
