/**
 * npm run segments -- list | validate <file>… | estimate <id|file> [--sample <n>] [--table <ProfilesTable>]
 *                     | import <name> <file.csv> [--bucket <ReportsBucket>]
 *
 * Saved segments (events/segments/): lists and validates them offline; estimates a segment's size with a
 * sample of members over the running local stack's profiles, or a deployed `Profiles` table with --table
 * (or PROFILES_TABLE_NAME). The sample is recorded in the audit trail. `import` uploads a CSV of user ids
 * as an imported segment, for broadcasts (the Reports bucket's `segments/<name>.csv`). docs/segments.md.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoProfileStore } from '../layers/adapters/dynamo-profile-store';
import { systemClock } from '../layers/core/clock';
import { openCliAudit } from './audit/cli-audit';
import { readLocalState } from './local-stack/local-state';
import { runSegmentsCli } from './segments/segments-cli';
import { importedSegmentKey } from '../layers/adapters/s3-broadcast-recipients';
import { runCli } from './run-cli';

const argv = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const table = option('--table', process.env.PROFILES_TABLE_NAME);
const bucket = option('--bucket', process.env.REPORTS_BUCKET_NAME);

runCli(() => runSegmentsCli(argv, {
  now: systemClock,
  profiles: async () => {
    const local = table ? undefined : readLocalState();
    const name = table ?? local?.resources.Profiles?.name;
    if (!name) throw new Error('no local stack is running (npm start) and no --table or PROFILES_TABLE_NAME was given');
    const client = new DynamoDBClient(local ? { endpoint: local.endpoints.dynamodb, region: local.region, credentials: local.credentials } : {});
    const document = DynamoDBDocumentClient.from(client);
    const audit = await openCliAudit(document, local);
    return { scan: () => new DynamoProfileStore(document, name).scanAll(), ...(audit && { audit }), close: () => client.destroy() };
  },
  upload: async (name, csv) => {
    const local = bucket ? undefined : readLocalState();
    const target = bucket ?? local?.resources.Reports?.name;
    if (!target) throw new Error('no local stack is running (npm start) and no --bucket or REPORTS_BUCKET_NAME was given');
    const s3 = new S3Client(local ? { endpoint: local.endpoints.s3, region: local.region, credentials: local.credentials, forcePathStyle: true } : {});
    try {
      await s3.send(new PutObjectCommand({ Bucket: target, Key: importedSegmentKey(name), Body: csv, ContentType: 'text/csv' }));
      return `s3://${target}/${importedSegmentKey(name)}`;
    } finally {
      s3.destroy();
    }
  },
}));
