import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ModelStore } from '../../../layers/adapters/s3-model-store';
import { POPULAR_ITEMS } from '../../../layers/adapters/popular-items-recommender';
import { trainModel } from '../../../layers/core/recommendations/train-model';
import { RecommendationConfigError, recommenderFromEnvironment } from '../../../layers/runtime/recommender-from-environment';
import { inMemoryS3 } from '../../helpers/in-memory-s3';
import { basketsOf } from '../../helpers/recommendation-factories';

const BUCKET = 'models';

describe('recommenderFromEnvironment', () => {
  it('serves popular items when no model is configured', async () => {
    // Prepare
    const sources: string[] = [];
    const recommender = recommenderFromEnvironment({}, { onSource: (s) => sources.push(s) });

    // Act
    const items = await recommender.recommend({ userId: 'u', count: 2 });

    // Assess
    expect(items).toEqual(POPULAR_ITEMS.slice(0, 2).map((i) => i.productId));
    expect(sources).toEqual(['popular']);
  });

  it('serves the current built-in model from the bucket, loaded once per container', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const model = trainModel({ interactions: basketsOf({ u1: ['A', 'B', 'C'], u2: ['A', 'B', 'C'], u3: ['A', 'D'] }) });
    const store = new S3ModelStore(s3.client, BUCKET);
    await store.save(model);
    await store.promote(model.version);
    s3.mock.resetHistory();
    const sources: string[] = [];
    const recommender = recommenderFromEnvironment({ MODELS_BUCKET_NAME: BUCKET }, { onSource: (s) => sources.push(s) }, { s3: s3.client });

    // Act
    const first = await recommender.recommend({ userId: 'u3', count: 2, exclude: ['A', 'D'] });
    await recommender.recommend({ userId: 'u3', count: 1, exclude: ['A', 'D'] });

    // Assess
    expect(first).toEqual(['B', 'C']);
    expect(sources).toEqual(['builtin', 'builtin']);
    expect(s3.mock.calls().filter((c) => c.args[0].constructor.name === 'GetObjectCommand')).toHaveLength(2); // CURRENT and the artifact, once
  });

  it('falls back to popular items, and says so, when the model cannot be loaded', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const problems: Error[] = [];
    const recommender = recommenderFromEnvironment({ MODELS_BUCKET_NAME: BUCKET }, { onModelUnavailable: (e) => problems.push(e) }, { s3: s3.client, now: () => 0 });

    // Act
    const items = await recommender.recommend({ userId: 'u', count: 1 });

    // Assess
    expect(items).toEqual([POPULAR_ITEMS[0]!.productId]);
    expect(problems.map((e) => e.name)).toEqual(['ModelArtifactNotFoundError']);
  });

  it('asks Personalize first and counts a fallback when it fails', async () => {
    // Prepare
    const personalize = new PersonalizeRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const mock = mockClient(personalize);
    mock.on(GetRecommendationsCommand).resolvesOnce({ itemList: [{ itemId: 'P1' }, { itemId: 'P2' }] }).rejects(new Error('ThrottlingException'));
    const fallbacks: string[] = [];
    const env = { PERSONALIZE_CAMPAIGN_ARN: 'arn:aws:personalize:us-east-1:000000000000:campaign/related' };
    const recommender = recommenderFromEnvironment(env, { onFallback: (r) => fallbacks.push(r) }, { personalize, after: () => new Promise(() => undefined) });

    // Act
    const first = await recommender.recommend({ userId: 'u', count: 2 });
    const second = await recommender.recommend({ userId: 'u', count: 2 });

    // Assess
    expect(first).toEqual(['P1', 'P2']);
    expect(second).toEqual(POPULAR_ITEMS.slice(0, 2).map((i) => i.productId));
    expect(fallbacks).toEqual(['error']);
    expect(mock.commandCalls(GetRecommendationsCommand)[0]?.args[0].input).toMatchObject({ campaignArn: env.PERSONALIZE_CAMPAIGN_ARN, userId: 'u' });
  });

  it.each([
    ['RECOMMENDATION_BLEND', 'collab=1'],
    ['RECOMMENDATION_BLEND', 'collaborative=0,content=0,popularity=0'],
    ['RECOMMENDATION_BUDGET_MS', 'soon'],
  ])('refuses %s=%s naming the variable', (variable, value) => {
    expect(() => recommenderFromEnvironment({ [variable]: value })).toThrow(RecommendationConfigError);
    expect(() => recommenderFromEnvironment({ [variable]: value })).toThrow(variable);
  });
});
