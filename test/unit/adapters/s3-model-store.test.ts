import { GetObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LocalModelStore } from '../../../layers/adapters/local-model-store';
import { S3ModelStore } from '../../../layers/adapters/s3-model-store';
import { ModelArtifactInvalidError, ModelArtifactNotFoundError } from '../../../layers/core/recommendations/errors';
import { trainModel } from '../../../layers/core/recommendations/train-model';
import { inMemoryS3 } from '../../helpers/in-memory-s3';
import { basketsOf } from '../../helpers/recommendation-factories';
import { modelMetricsFactory } from '../../helpers/serving-factories';

const BUCKET = 'models-bucket';

describe('S3ModelStore', () => {
  const model = trainModel({ interactions: basketsOf({ u1: ['A', 'B'], u2: ['A', 'C'] }) });
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 's3-model-store-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the same bytes under the same names as LocalModelStore, metrics included', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const metrics = modelMetricsFactory({ trainedAt: model.trainedAt });
    const local = new LocalModelStore(root);

    // Act
    await new S3ModelStore(s3.client, BUCKET).save(model, metrics);
    await new S3ModelStore(s3.client, BUCKET).promote(model.version);
    await local.save(model, metrics);
    await local.promote(model.version);

    // Assess
    for (const file of [`${model.version}/model.json.gz`, `${model.version}/metrics.json`, 'CURRENT']) {
      expect(s3.objects.get(`models/${file}`)?.body).toEqual(readFileSync(join(root, file)));
    }
    expect(await new S3ModelStore(s3.client, BUCKET).metricsOf(model.version)).toEqual(metrics);
    expect(await local.metricsOf(model.version)).toEqual(metrics);
  });

  it('reads a model LocalModelStore wrote, uploaded as is, under another prefix', async () => {
    // Prepare
    const s3 = inMemoryS3();
    await new LocalModelStore(root).save(model);
    s3.put(`serving/${model.version}/model.json.gz`, readFileSync(join(root, model.version, 'model.json.gz')), new Date());
    s3.put('serving/CURRENT', `${model.version}\n`, new Date());

    // Act
    const loaded = await new S3ModelStore(s3.client, BUCKET, 'serving/').loadCurrent();

    // Assess
    expect(loaded).toEqual(model);
  });

  it('has no metrics for a version saved without them', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const store = new S3ModelStore(s3.client, BUCKET);
    await store.save(model);

    // Act
    const metrics = await store.metricsOf(model.version);

    // Assess
    expect(metrics).toBeUndefined();
    expect([...s3.objects.keys()]).toEqual([`models/${model.version}/model.json.gz`]);
  });

  it('names what is missing: no CURRENT, or a CURRENT naming a version that is not there', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const store = new S3ModelStore(s3.client, BUCKET);

    // Act & Assess
    await expect(store.loadCurrent()).rejects.toThrow(new ModelArtifactNotFoundError(`s3://${BUCKET}/models/CURRENT`));
    s3.put('models/CURRENT', 'gone\n', new Date());
    await expect(store.loadCurrent()).rejects.toThrow(new ModelArtifactNotFoundError(`s3://${BUCKET}/models/gone/model.json.gz`));
    await expect(store.promote('missing')).rejects.toThrow(ModelArtifactNotFoundError);
  });

  it.each([
    ['not gzip', 'not gzip at all', /is not gzip/],
    ['gzip of something that is not JSON', gzipSync('{"format":'), /not JSON/],
    ['gzip of JSON that is not a model', gzipSync('{"format":"other"}'), /format is "other"/],
  ])('refuses a corrupt artifact (%s) with ModelArtifactInvalidError', async (_case, body, message) => {
    // Prepare
    const s3 = inMemoryS3();
    s3.put('models/broken/model.json.gz', body, new Date());

    // Act
    const loading = new S3ModelStore(s3.client, BUCKET).load('broken');

    // Assess
    await expect(loading).rejects.toThrow(ModelArtifactInvalidError);
    await expect(loading).rejects.toThrow(message);
  });

  it('refuses corrupt metrics and a version that could climb out of the prefix', async () => {
    // Prepare
    const s3 = inMemoryS3();
    s3.put('models/v1/metrics.json', '{"hitRate":"high"}', new Date());
    const store = new S3ModelStore(s3.client, BUCKET);

    // Act & Assess
    await expect(store.metricsOf('v1')).rejects.toThrow(new ModelArtifactInvalidError(`s3://${BUCKET}/models/v1/metrics.json: hitRate must be a number`));
    await expect(store.load('../training')).rejects.toThrow(ModelArtifactInvalidError);
    expect(s3.mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).toEqual(['models/v1/metrics.json']);
  });

  it('passes on an S3 failure other than a missing key', async () => {
    // Prepare
    const s3 = inMemoryS3();
    s3.mock.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    // Act
    const loading = new S3ModelStore(s3.client, BUCKET).loadCurrent();

    // Assess
    await expect(loading).rejects.toThrow('Access Denied');
  });
});
