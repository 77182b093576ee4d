/**
 * npm run forget-user -- <userId> [--bucket <ModelsBucketName>]
 *
 * Records a deletion request for recommendations: from the next nightly training on, the user's
 * interactions in the events archive are left out of every model (built-in and the Personalize
 * export). Writes `deletions/<sha256 of the user id>` to the Models bucket: the running local stack's
 * by default; with --bucket (or MODELS_BUCKET_NAME) and AWS credentials, a deployed stack's.
 * Profiles and message logs are deleted separately (docs/profiles.md).
 */
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ForgottenUsers } from '../layers/adapters/s3-retraining-stores';
import { readLocalState } from './local-stack/local-state';

const USAGE = 'usage: npm run forget-user -- <userId> [--bucket <ModelsBucketName>]';

const main = async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { bucket: { type: 'string' } } });
  const [userId] = positionals;
  if (!userId) throw new Error(USAGE);
  const deployed = values.bucket ?? process.env.MODELS_BUCKET_NAME;
  const local = deployed ? undefined : readLocalState();
  const bucket = deployed ?? local?.resources.Models?.name;
  if (!bucket) throw new Error(`no local stack is running (npm start) and no --bucket or MODELS_BUCKET_NAME was given\n${USAGE}`);

  const client = new S3Client(local ? { endpoint: local.endpoints.s3, region: local.region, credentials: local.credentials } : {});
  try {
    const key = await new S3ForgottenUsers(client, bucket).forget(userId);
    // The key, not the id: the id is personal data and the terminal may be logged.
    console.log(`recorded ${key} in ${bucket}: the next training leaves this user's interactions out`);
  } finally {
    client.destroy();
  }
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
