import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { mockClient } from 'aws-sdk-client-mock';
import { PersonalizeInteractions } from '../../../layers/adapters/personalize-interactions';
import { interactionsOfEvent } from '../../../layers/core/recommendations/archived-interactions';
import { interactionFactory } from '../../helpers/recommendation-factories';

const client = new PersonalizeEventsClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
const mock = mockClient(client);

describe('PersonalizeInteractions', () => {
  beforeEach(() => mock.reset());

  it('sends each user their interactions, at most 10 per PutEvents, with the tracking id', async () => {
    // Prepare
    mock.on(PutEventsCommand).resolves({});
    const interactions = [
      ...Array.from({ length: 12 }, (_, i) => interactionFactory({ userId: 'u1', itemId: `I${i}`, kind: 'view' })),
      interactionFactory({ userId: 'u2', itemId: 'A', kind: 'purchase', at: '2026-11-23T10:00:00.000Z' }),
    ];

    // Act
    const result = await new PersonalizeInteractions(client, 'tracking-1').send(interactions);

    // Assess
    expect(result).toEqual({ sent: 13, failed: 0 });
    const calls = mock.commandCalls(PutEventsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.userId, c.eventList?.length])).toEqual([
      ['u1', 10],
      ['u1', 2],
      ['u2', 1],
    ]);
    expect(calls[2]).toMatchObject({ trackingId: 'tracking-1', sessionId: 'u2', eventList: [{ eventType: 'purchase', itemId: 'A', sentAt: new Date('2026-11-23T10:00:00.000Z') }] });
  });

  it('counts the interactions of a refused call instead of throwing', async () => {
    // Prepare
    mock.on(PutEventsCommand, { userId: 'u1' }).rejects(new Error('ThrottlingException')).on(PutEventsCommand, { userId: 'u2' }).resolves({});

    // Act
    const result = await new PersonalizeInteractions(client, 'tracking-1').send([interactionFactory({ userId: 'u1' }), interactionFactory({ userId: 'u2' })]);

    // Assess
    expect(result).toEqual({ sent: 1, failed: 1 });
  });

  it('turns pipeline events into the interactions Personalize is told about', () => {
    // Act
    const view = interactionsOfEvent({ type: 'product_view', userId: 'u', timestamp: '2026-11-23T10:00:00.000Z', properties: { productId: 'P' } });
    const login = interactionsOfEvent({ type: 'login', userId: 'u', timestamp: '2026-11-23T10:00:00.000Z' });

    // Assess
    expect(view).toEqual([{ userId: 'u', itemId: 'P', at: '2026-11-23T10:00:00.000Z', kind: 'view' }]);
    expect(login).toEqual([]);
  });
});
