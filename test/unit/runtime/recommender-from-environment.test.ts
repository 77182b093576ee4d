import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelFolder } from '../../../layers/adapters/local-model-store';
import { POPULAR_ITEMS } from '../../../layers/adapters/popular-items-recommender';
import { S3ModelStore } from '../../../layers/adapters/s3-model-store';
import { trainModel } from '../../../layers/core/recommendations/train-model';
import {
  parseRecommendationBlend,
  RecommendationConfigError,
  recommenderFromEnvironment,
  type RecommendationSource,
} from '../../../layers/runtime/recommender-from-environment';
import { inMemoryS3 } from '../../helpers/in-memory-s3';
import { basketsOf } from '../../helpers/recommendation-factories';
import { manualTimer } from '../../helpers/serving-factories';

const BUCKET = 'models';
const CAMPAIGN_ARN = 'arn:aws:personalize:us-east-1:000000000000:campaign/related';
const POPULAR = POPULAR_ITEMS.map((item) => item.productId);
/** u3 bought A and D; u1 and u2 bought A, B and C together: B and C are u3's neighbours. */
const model = trainModel({ interactions: basketsOf({ u1: ['A', 'B', 'C'], u2: ['A', 'B', 'C'], u3: ['A', 'D'] }) });

const bucketWithModel = async () => {
  const s3 = inMemoryS3();
  const store = new S3ModelStore(s3.client, BUCKET);
  await store.save(model);
  await store.promote(model.version);
  s3.mock.resetHistory();
  return s3;
};

const personalizeClient = () => {
  const client = new PersonalizeRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  return { client, mock: mockClient(client) };
};

/** Records what deliver would count. */
const recorder = () => {
  const sources: RecommendationSource[] = [];
  const fallbacks: string[] = [];
  const problems: string[] = [];
  return {
    sources,
    fallbacks,
    problems,
    events: { onSource: (s: RecommendationSource) => sources.push(s), onFallback: (r: string) => fallbacks.push(r), onModelUnavailable: (e: Error) => problems.push(e.name) },
  };
};

describe('recommenderFromEnvironment', () => {
  it('serves popular items when no model is configured', async () => {
    // Prepare
    const seen = recorder();
    const recommender = recommenderFromEnvironment({}, seen.events);

    // Act
    const items = await recommender.recommend({ userId: 'u', count: 2, exclude: [POPULAR[0]!] });

    // Assess
    expect(items).toEqual(POPULAR.slice(1, 3));
    expect(seen.sources).toEqual(['popular']);
  });

  it('serves the current built-in model from the bucket in MODELS_BUCKET_NAME, loaded once per container', async () => {
    // Prepare
    const s3 = await bucketWithModel();
    const seen = recorder();
    const recommender = recommenderFromEnvironment({ MODELS_BUCKET_NAME: BUCKET }, seen.events, { s3: s3.client });

    // Act
    const [first] = await Promise.all([
      recommender.recommend({ userId: 'u3', count: 2 }),
      recommender.recommend({ userId: 'u3', count: 1 }),
    ]);
    await recommender.recommend({ userId: 'u3', count: 1 });

    // Assess
    expect(first).toEqual(['B', 'C']);
    expect(seen.sources).toEqual(['builtin', 'builtin', 'builtin']);
    expect(s3.mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).toEqual(['models/CURRENT', `models/${model.version}/model.json.gz`]);
  });

  it('serves the current model of a local folder (MODEL_DIR), blended as RECOMMENDATION_BLEND says', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'serving-'));
    await writeModelFolder(root, model);
    const popularOnly = recommenderFromEnvironment({ MODEL_DIR: root, RECOMMENDATION_BLEND: 'popularity=1' });
    const blended = recommenderFromEnvironment({ MODEL_DIR: root });

    // Act
    const byPopularity = await popularOnly.recommend({ userId: 'new-user', count: 4 });
    const byDefault = await blended.recommend({ userId: 'u3', count: 2 });
    rmSync(root, { recursive: true, force: true });

    // Assess
    expect(byPopularity).toEqual(['A', 'B', 'C', 'D']);
    expect(byDefault).toEqual(['B', 'C']);
  });

  it('tops the model up with popular items it has not seen the user buy', async () => {
    // Prepare
    const s3 = await bucketWithModel();
    const seen = recorder();
    const recommender = recommenderFromEnvironment({ MODELS_BUCKET_NAME: BUCKET }, seen.events, { s3: s3.client });

    // Act
    const items = await recommender.recommend({ userId: 'u3', count: 4 });

    // Assess
    expect(items).toEqual(['B', 'C', ...POPULAR.filter((id) => !['A', 'B', 'C', 'D'].includes(id)).slice(0, 2)]);
    expect(seen.sources).toEqual(['builtin']);
  });

  it('serves popular items, says why, and tries the model again only after 5 minutes', async () => {
    // Prepare
    const s3 = inMemoryS3();
    s3.put('models/CURRENT', 'v1\n', new Date());
    s3.put('models/v1/model.json.gz', 'corrupt', new Date());
    let now = 0;
    const seen = recorder();
    const recommender = recommenderFromEnvironment({ MODELS_BUCKET_NAME: BUCKET }, seen.events, { s3: s3.client, now: () => now });

    // Act
    const first = await recommender.recommend({ userId: 'u', count: 1 });
    now = 4 * 60_000;
    await recommender.recommend({ userId: 'u', count: 1 });
    now = 5 * 60_000;
    await recommender.recommend({ userId: 'u', count: 1 });

    // Assess
    expect(first).toEqual([POPULAR[0]]);
    expect(seen.sources).toEqual(['popular', 'popular', 'popular']);
    expect(seen.problems).toEqual(['ModelArtifactInvalidError', 'ModelArtifactInvalidError']);
  });

  it('says so when no model was promoted yet', async () => {
    // Prepare
    const seen = recorder();
    const recommender = recommenderFromEnvironment({ MODELS_BUCKET_NAME: BUCKET }, seen.events, { s3: inMemoryS3().client, now: () => 0 });

    // Act
    const items = await recommender.recommend({ userId: 'u', count: 1 });

    // Assess
    expect(items).toEqual([POPULAR[0]]);
    expect(seen.problems).toEqual(['ModelArtifactNotFoundError']);
  });

  describe('with a Personalize campaign', () => {
    it('asks Personalize first, drops what the model saw the user buy, and counts one source per request', async () => {
      // Prepare
      const s3 = await bucketWithModel();
      const personalize = personalizeClient();
      personalize.mock.on(GetRecommendationsCommand).resolves({ itemList: [{ itemId: 'D' }, { itemId: 'P1' }, { itemId: 'A' }, { itemId: 'P2' }] });
      const seen = recorder();
      const env = { PERSONALIZE_CAMPAIGN_ARN: CAMPAIGN_ARN, MODELS_BUCKET_NAME: BUCKET };
      const recommender = recommenderFromEnvironment(env, seen.events, { s3: s3.client, personalize: personalize.client, after: manualTimer().after });

      // Act
      const items = await recommender.recommend({ userId: 'u3', count: 3, exclude: ['P2'] });

      // Assess
      expect(items).toEqual(['P1', 'B', 'C']);
      expect(seen.sources).toEqual(['personalize']);
      expect(seen.fallbacks).toEqual(['empty']);
      expect(personalize.mock.commandCalls(GetRecommendationsCommand)[0]?.args[0].input).toMatchObject({ campaignArn: CAMPAIGN_ARN, userId: 'u3' });
    });

    it('answers from the built-in model when Personalize runs past RECOMMENDATION_BUDGET_MS', async () => {
      // Prepare
      const s3 = await bucketWithModel();
      const personalize = personalizeClient();
      personalize.mock.on(GetRecommendationsCommand).callsFake(() => new Promise(() => undefined));
      const timer = manualTimer();
      const seen = recorder();
      const env = { PERSONALIZE_CAMPAIGN_ARN: CAMPAIGN_ARN, MODELS_BUCKET_NAME: BUCKET, RECOMMENDATION_BUDGET_MS: '90' };
      const recommender = recommenderFromEnvironment(env, seen.events, { s3: s3.client, personalize: personalize.client, after: timer.after });

      // Act
      const pending = recommender.recommend({ userId: 'u3', count: 2 });
      timer.fire();
      const items = await pending;

      // Assess
      expect(items).toEqual(['B', 'C']);
      expect(timer.requested).toEqual([90]);
      expect(seen.sources).toEqual(['builtin']);
      expect(seen.fallbacks).toEqual(['timeout']);
    });

    it('answers with popular items when Personalize fails and no model is configured', async () => {
      // Prepare
      const personalize = personalizeClient();
      personalize.mock.on(GetRecommendationsCommand).resolvesOnce({ itemList: [{ itemId: 'P1' }, { itemId: 'P2' }] }).rejects(new Error('ThrottlingException'));
      const seen = recorder();
      const recommender = recommenderFromEnvironment({ PERSONALIZE_CAMPAIGN_ARN: CAMPAIGN_ARN }, seen.events, { personalize: personalize.client, after: manualTimer().after });

      // Act
      const first = await recommender.recommend({ userId: 'u', count: 2 });
      const second = await recommender.recommend({ userId: 'u', count: 2 });

      // Assess
      expect(first).toEqual(['P1', 'P2']);
      expect(second).toEqual(POPULAR.slice(0, 2));
      expect(seen.sources).toEqual(['personalize', 'popular']);
      expect(seen.fallbacks).toEqual(['error']);
    });
  });

  it.each([
    ['RECOMMENDATION_BLEND', 'collab=1'],
    ['RECOMMENDATION_BLEND', 'collaborative=0.4,content'],
    ['RECOMMENDATION_BLEND', 'collaborative=-1,content=2'],
    ['RECOMMENDATION_BLEND', 'collaborative=0,content=0,popularity=0'],
    ['RECOMMENDATION_BUDGET_MS', 'soon'],
    ['RECOMMENDATION_BUDGET_MS', '0'],
  ])('refuses %s=%s at cold start, naming the variable', (variable, value) => {
    expect(() => recommenderFromEnvironment({ [variable]: value })).toThrow(RecommendationConfigError);
    expect(() => recommenderFromEnvironment({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });
});

describe('parseRecommendationBlend', () => {
  it('reads the three weights, a missing one being 0, and nothing when unset', () => {
    expect(parseRecommendationBlend('collaborative=0.4, content=0.3 ,popularity=0.3')).toEqual({ collaborative: 0.4, content: 0.3, popularity: 0.3 });
    expect(parseRecommendationBlend('popularity=1')).toEqual({ collaborative: 0, content: 0, popularity: 1 });
    expect(parseRecommendationBlend(' ')).toBeUndefined();
    expect(parseRecommendationBlend(undefined)).toBeUndefined();
  });
});
