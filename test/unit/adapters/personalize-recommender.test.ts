import { GetRecommendationsCommand, PersonalizeRuntimeClient, ResourceNotFoundException } from '@aws-sdk/client-personalize-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { PersonalizeRecommender } from '../../../layers/adapters/personalize-recommender';

const CAMPAIGN_ARN = 'arn:aws:personalize:us-east-1:000000000000:campaign/related-products';
const client = new PersonalizeRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
const mock = mockClient(client);

describe('PersonalizeRecommender', () => {
  beforeEach(() => mock.reset());

  it('asks the campaign for the user with headroom for what will be left out, and returns its items in order', async () => {
    // Prepare
    mock.on(GetRecommendationsCommand).resolves({ itemList: [{ itemId: 'B' }, {}, { itemId: 'A' }], recommendationId: 'r-1' });

    // Act
    const items = await new PersonalizeRecommender(client, CAMPAIGN_ARN).recommend({ userId: 'u-1', count: 3, exclude: ['X', 'Y'] });

    // Assess
    expect(items).toEqual(['B', 'A']);
    expect(mock.commandCalls(GetRecommendationsCommand).map((call) => call.args[0].input)).toEqual([
      { campaignArn: CAMPAIGN_ARN, userId: 'u-1', numResults: 3 + 2 + 10 },
    ]);
  });

  it('asks for items related to the first seed (the purchased item) and never for more than 500', async () => {
    // Prepare
    mock.on(GetRecommendationsCommand).resolves({});

    // Act
    const items = await new PersonalizeRecommender(client, CAMPAIGN_ARN).recommend({ userId: 'u-1', count: 495, seedProductIds: ['22423', '85123A'] });

    // Assess
    expect(items).toEqual([]);
    expect(mock.commandCalls(GetRecommendationsCommand)[0]?.args[0].input).toEqual({ campaignArn: CAMPAIGN_ARN, userId: 'u-1', itemId: '22423', numResults: 500 });
  });

  it('hands the budget signal to the SDK call, so that it stops at the end of the budget', async () => {
    // Prepare
    mock.on(GetRecommendationsCommand).resolves({ itemList: [{ itemId: 'A' }] });
    const budget = new AbortController();

    // Act
    await new PersonalizeRecommender(client, CAMPAIGN_ARN).recommend({ userId: 'u-1', count: 1 }, { abortSignal: budget.signal });

    // Assess
    const [call] = mock.commandCalls(GetRecommendationsCommand);
    expect((call?.args as unknown[] | undefined)?.[1]).toEqual({ abortSignal: budget.signal });
  });

  it('passes on a Personalize error for the fallback to count', async () => {
    // Prepare
    mock.on(GetRecommendationsCommand).rejects(new ResourceNotFoundException({ message: 'campaign not found', $metadata: {} }));

    // Act
    const asking = new PersonalizeRecommender(client, CAMPAIGN_ARN).recommend({ userId: 'u-1', count: 1 });

    // Assess
    await expect(asking).rejects.toThrow(ResourceNotFoundException);
  });
});
