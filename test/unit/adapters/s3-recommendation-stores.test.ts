import { gzipSync } from 'node:zlib';
import { S3ModelStore } from '../../../layers/adapters/s3-model-store';
import { deletionKeyOf, S3ForgottenUsers, S3InteractionArchive, S3TrainingStateStore } from '../../../layers/adapters/s3-retraining-stores';
import { ModelArtifactInvalidError, ModelArtifactNotFoundError } from '../../../layers/core/recommendations/errors';
import { trainModel } from '../../../layers/core/recommendations/train-model';
import { inMemoryS3 } from '../../helpers/in-memory-s3';
import { basketsOf } from '../../helpers/recommendation-factories';

const BUCKET = 'models-bucket';

describe('S3ModelStore', () => {
  it('saves a version, promotes it and loads the current one back', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const store = new S3ModelStore(s3.client, BUCKET);
    const model = trainModel({ interactions: basketsOf({ u1: ['A', 'B'], u2: ['A', 'C'] }) });

    // Act
    const saved = await store.save(model);
    const before = await store.currentVersion();
    await store.promote(model.version);

    // Assess
    expect(saved).toMatchObject({ version: model.version, location: `s3://${BUCKET}/models/${model.version}/model.json.gz` });
    expect(before).toBeUndefined();
    expect(await store.currentVersion()).toBe(model.version);
    expect((await store.loadCurrent()).version).toBe(model.version);
    expect([...s3.objects.keys()].sort()).toEqual([`models/${model.version}/model.json.gz`, 'models/CURRENT']);
  });

  it('refuses to promote or load a version that was never saved, and a corrupt artifact', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const store = new S3ModelStore(s3.client, BUCKET);
    s3.put('models/broken/model.json.gz', 'not gzip', new Date());

    // Act & Assess
    await expect(store.promote('missing')).rejects.toThrow(ModelArtifactNotFoundError);
    await expect(store.loadCurrent()).rejects.toThrow(ModelArtifactNotFoundError);
    await expect(store.load('broken')).rejects.toThrow(ModelArtifactInvalidError);
    await expect(store.load('../secrets')).rejects.toThrow(ModelArtifactInvalidError);
  });
});

describe('S3InteractionArchive', () => {
  it('reads the lines of the archive objects written since a time, gzip or not', async () => {
    // Prepare
    const s3 = inMemoryS3();
    s3.put('archive/2026/11/22/old', gzipSync('{"a":1}\n{"a":2}\n'), new Date('2026-11-22T01:00:00Z'));
    s3.put('archive/2026/11/23/new', gzipSync('{"a":3}\n'), new Date('2026-11-23T01:00:00Z'));
    s3.put('archive/2026/11/23/plain', '{"a":4}', new Date('2026-11-23T02:00:00Z'));
    s3.put('models/CURRENT', 'v', new Date('2026-11-23T02:00:00Z'));
    const archive = new S3InteractionArchive(s3.client, BUCKET);

    // Act
    const all: string[] = [];
    for await (const line of archive.lines()) all.push(line);
    const recent: string[] = [];
    for await (const line of archive.lines(new Date('2026-11-23T00:00:00Z'))) recent.push(line);

    // Assess
    expect(all).toEqual(['{"a":1}', '{"a":2}', '{"a":3}', '{"a":4}']);
    expect(recent).toEqual(['{"a":3}', '{"a":4}']);
  });
});

describe('S3TrainingStateStore and S3ForgottenUsers', () => {
  it('starts empty, keeps what is saved, and forgets users under a hash of their id', async () => {
    // Prepare
    const s3 = inMemoryS3();
    const state = new S3TrainingStateStore(s3.client, BUCKET);
    const forgotten = new S3ForgottenUsers(s3.client, BUCKET);

    // Act
    const empty = await state.load();
    await state.save({ lastTrainedAt: '2026-11-23T03:00:00.000Z' });
    const key = await forgotten.forget('user-42');
    const isForgotten = await forgotten.load();

    // Assess
    expect(empty).toEqual({});
    expect(await state.load()).toEqual({ lastTrainedAt: '2026-11-23T03:00:00.000Z' });
    expect(key).toBe(deletionKeyOf('user-42'));
    expect(key).not.toContain('user-42');
    expect(isForgotten('user-42')).toBe(true);
    expect(isForgotten('user-43')).toBe(false);
  });
});
