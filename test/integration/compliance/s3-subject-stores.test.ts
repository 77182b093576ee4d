import { gzipSync, gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDataDeletionJobCommand, DescribeDataDeletionJobCommand, ListDataDeletionJobsCommand, PersonalizeClient, ResourceAlreadyExistsException } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { PersonalizeDataDeletion } from '../../../layers/adapters/personalize-data-deletion';
import { S3DataRequestFiles, S3SubjectExports } from '../../../layers/adapters/s3-data-request-files';
import { dayPartitions, S3SubjectLines } from '../../../layers/adapters/s3-subject-lines';
import { LOCAL_CREDENTIALS, type RunningEmulator } from '../../../scripts/local-stack/emulators/emulator';
import { startS3rver } from '../../../scripts/local-stack/emulators/s3rver-emulator';
import { TEST_YEAR } from '../../helpers/test-calendar';

/** The S3 side of data-subject requests against s3rver, with the real S3 client. */
describe('data-subject requests in S3', () => {
  let s3rver: RunningEmulator;
  let s3: S3Client;
  let buckets = 0;

  beforeAll(async () => {
    s3rver = await startS3rver();
    s3 = new S3Client({ endpoint: s3rver.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  });
  afterAll(async () => {
    s3?.destroy();
    await s3rver?.stop();
  });

  const bucket = async (): Promise<string> => {
    const name = `dsr-${++buckets}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  };
  const put = (Bucket: string, Key: string, Body: string | Uint8Array) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));
  const keys = async (Bucket: string, Prefix = '') => ((await s3.send(new ListObjectsV2Command({ Bucket, Prefix }))).Contents ?? []).map((object) => object.Key!).sort();
  const read = async (Bucket: string, Key: string) => {
    const body = await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray();
    return (body[0] === 0x1f ? gunzipSync(body) : Buffer.from(body)).toString('utf8');
  };
  const lines = (...events: object[]) => gzipSync(events.map((e) => JSON.stringify(e)).join('\n') + '\n');

  it('lists the days of a Firehose prefix that exist, from one listing of the prefix', async () => {
    // Prepare
    const name = await bucket();
    await put(name, `archive/${TEST_YEAR}/11/30/23/a.gz`, 'x');
    await put(name, `archive/${TEST_YEAR}/12/01/00/b.gz`, 'x');
    await put(name, `archive/${TEST_YEAR}/12/01/07/c.gz`, 'x');
    await put(name, `decisions/${TEST_YEAR}/12/01/07/d.gz`, 'x');

    // Act
    const days = await dayPartitions(s3, name, 'archive/');

    // Assess
    expect(days).toEqual([`archive/${TEST_YEAR}/11/30/`, `archive/${TEST_YEAR}/12/01/`]);
  });

  it('exports the user\'s lines, then rewrites each object without them and deletes one left empty', async () => {
    // Prepare
    const name = await bucket();
    await put(name, `archive/${TEST_YEAR}/12/01/07/mixed.gz`, lines({ type: 'page_view', userId: 'ann' }, { type: 'purchase', userId: 'bob' }, { type: 'identify', anonymousId: 'ann' }));
    await put(name, `archive/${TEST_YEAR}/12/01/08/only-ann.gz`, lines({ type: 'app_open', userId: 'ann' }));
    await put(name, `archive/${TEST_YEAR}/12/01/09/others.gz`, lines({ type: 'app_open', userId: 'annabel' }));
    const store = new S3SubjectLines(s3, name, 'archive', `archive/${TEST_YEAR}/12/01/`);

    // Act
    const exported = await store.export('ann');
    const erased = await store.erase('ann');
    const again = await store.erase('ann');

    // Assess
    expect(exported.items).toEqual([{ type: 'page_view', userId: 'ann' }, { type: 'identify', anonymousId: 'ann' }, { type: 'app_open', userId: 'ann' }]);
    expect([erased, again]).toEqual([3, 0]);
    expect(await keys(name)).toEqual([`archive/${TEST_YEAR}/12/01/07/mixed.gz`, `archive/${TEST_YEAR}/12/01/09/others.gz`]);
    expect(await read(name, `archive/${TEST_YEAR}/12/01/07/mixed.gz`)).toBe('{"type":"purchase","userId":"bob"}\n');
    expect(await read(name, `archive/${TEST_YEAR}/12/01/09/others.gz`)).toContain('annabel');
  });

  it('joins the parts of an export into one document, and an erasure deletes the user\'s earlier documents', async () => {
    // Prepare
    const name = await bucket();
    const files = new S3DataRequestFiles(s3, name);
    await files.savePart('req-1', 'profiles', { store: 'profiles', items: [{ userId: 'ann' }], note: 'masked' });
    await files.savePart('req-1', `archive/${TEST_YEAR}/12/01/`, { store: 'archive', items: [{ type: 'a' }] });
    await files.savePart('req-1', `archive/${TEST_YEAR}/12/02/`, { store: 'archive', items: [{ type: 'b' }] });

    // Act
    const key = await files.assembleExport('req-1', 'ann', new Date(`${TEST_YEAR}-12-03T00:00:00Z`), ['profiles', 'archive', 'timers']);

    // Assess
    expect(key).toBe('exports/req-1.json');
    expect(await keys(name)).toEqual(['exports/req-1.json']);
    expect(JSON.parse(await read(name, key))).toEqual({
      requestId: 'req-1',
      userId: 'ann',
      generatedAt: `${TEST_YEAR}-12-03T00:00:00.000Z`,
      stores: { profiles: { items: [{ userId: 'ann' }], notes: ['masked'] }, archive: { items: [{ type: 'a' }, { type: 'b' }] }, timers: { items: [] } },
    });
    const exportsStore = new S3SubjectExports(s3, name);
    expect((await exportsStore.export('ann')).items).toEqual([{ exportDocument: 'exports/req-1.json' }]);
    expect(await exportsStore.erase('bob')).toBe(0);
    expect(await exportsStore.erase('ann')).toBe(1);
    expect(await keys(name)).toEqual([]);
  });

  it('asks Personalize to delete the user from a file it reads in S3, finds its job again on a retry, and deletes the file when done', async () => {
    // Prepare
    const name = await bucket();
    const personalize = new PersonalizeClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const mock = mockClient(personalize);
    const jobArn = 'arn:aws:personalize:us-east-1:000000000000:data-deletion-job/erase-req-7';
    mock.on(CreateDataDeletionJobCommand).resolvesOnce({ dataDeletionJobArn: jobArn }).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    mock.on(ListDataDeletionJobsCommand).resolves({ dataDeletionJobs: [{ jobName: 'erase-req-7', dataDeletionJobArn: jobArn }] });
    mock.on(DescribeDataDeletionJobCommand).resolvesOnce({ dataDeletionJob: { status: 'IN_PROGRESS' } }).resolves({ dataDeletionJob: { status: 'COMPLETED', numDeleted: 9 } });
    const deletion = new PersonalizeDataDeletion(personalize, s3, name, { datasetArn: 'arn:aws:personalize:us-east-1:000000000000:dataset/shop/INTERACTIONS', roleArn: 'arn:aws:iam::000000000000:role/p' });

    // Act
    const first = await deletion.start('ann,"x"', 'req-7');
    const retried = await deletion.start('ann,"x"', 'req-7');
    const file = await read(name, 'personalize-deletions/req-7.csv');
    const statuses = [await deletion.status(jobArn), await deletion.status(jobArn)];
    await deletion.cleanUp('req-7');

    // Assess
    expect([first, retried]).toEqual([jobArn, jobArn]);
    expect(mock.commandCalls(CreateDataDeletionJobCommand)[0]!.args[0].input).toEqual({
      jobName: 'erase-req-7',
      datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
      dataSource: { dataLocation: `s3://${name}/personalize-deletions/req-7.csv` },
      roleArn: 'arn:aws:iam::000000000000:role/p',
    });
    expect(file).toBe('USER_ID\n"ann,""x"""\n');
    expect(statuses).toEqual([{ status: 'IN_PROGRESS' }, { status: 'COMPLETED', deleted: 9 }]);
    expect(await keys(name)).toEqual([]);
  });
});
