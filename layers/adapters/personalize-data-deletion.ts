import { CreateDataDeletionJobCommand, DescribeDataDeletionJobCommand, ListDataDeletionJobsCommand, ResourceAlreadyExistsException, type PersonalizeClient } from '@aws-sdk/client-personalize';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3Objects } from './s3-objects';

/** What the erasure needs of the team's Personalize setup (docs/recommendations.md). */
export interface PersonalizeDeletionTarget {
  /** The interactions dataset: its dataset group is where the deletion runs. */
  readonly datasetArn: string;
  /** The role Personalize assumes to read the deletion file from S3. */
  readonly roleArn: string;
}

/** Where the one-line file Personalize reads is written; deleted when the job is over. */
export const PERSONALIZE_DELETIONS_PREFIX = 'personalize-deletions/';

export type DeletionStatus = { readonly status: 'COMPLETED'; readonly deleted?: number } | { readonly status: 'FAILED'; readonly reason?: string } | { readonly status: 'IN_PROGRESS' };

/**
 * Personalize's `CreateDataDeletionJob`: it removes the user's records from every dataset of the group
 * and, from the next solution version on, from the models (Personalize's own guarantee). The job reads a
 * CSV of user ids from S3, named after the request so that a retried start finds its job rather than
 * starting a second one. Faked at the client in tests: Personalize has no emulator.
 */
export class PersonalizeDataDeletion {
  private readonly objects: S3Objects;

  constructor(
    private readonly client: PersonalizeClient,
    s3: S3Client,
    bucket: string,
    private readonly target: PersonalizeDeletionTarget,
  ) {
    this.objects = new S3Objects(s3, bucket);
  }

  async start(userId: string, requestId: string): Promise<string> {
    const key = this.fileKey(requestId);
    await this.objects.write(key, `USER_ID\n${csvField(userId)}\n`, 'text/csv');
    const jobName = `erase-${requestId}`.slice(0, 63);
    try {
      const { dataDeletionJobArn } = await this.client.send(
        new CreateDataDeletionJobCommand({ jobName, datasetGroupArn: this.datasetGroupArn(), dataSource: { dataLocation: `s3://${this.objects.bucket}/${key}` }, roleArn: this.target.roleArn }),
      );
      if (!dataDeletionJobArn) throw new Error('CreateDataDeletionJob returned no job ARN');
      return dataDeletionJobArn;
    } catch (error) {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
      return this.existingJob(jobName);
    }
  }

  async status(jobArn: string): Promise<DeletionStatus> {
    const { dataDeletionJob: job } = await this.client.send(new DescribeDataDeletionJobCommand({ dataDeletionJobArn: jobArn }));
    if (job?.status === 'COMPLETED') return { status: 'COMPLETED', ...(job.numDeleted !== undefined && { deleted: job.numDeleted }) };
    if (job?.status === 'FAILED') return { status: 'FAILED', ...(job.failureReason && { reason: job.failureReason }) };
    return { status: 'IN_PROGRESS' };
  }

  /** Deletes the file naming the user once the job no longer needs it. */
  async cleanUp(requestId: string): Promise<void> {
    await this.objects.client.send(new DeleteObjectCommand({ Bucket: this.objects.bucket, Key: this.fileKey(requestId) }));
  }

  private fileKey(requestId: string): string {
    return `${PERSONALIZE_DELETIONS_PREFIX}${requestId}.csv`;
  }

  /** `…:dataset/<group>/INTERACTIONS` → `…:dataset-group/<group>`. */
  private datasetGroupArn(): string {
    return this.target.datasetArn.replace(/:dataset\/([^/]+)\/.*$/, ':dataset-group/$1');
  }

  private async existingJob(jobName: string): Promise<string> {
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListDataDeletionJobsCommand({ datasetGroupArn: this.datasetGroupArn(), nextToken }));
      const found = page.dataDeletionJobs?.find((job) => job.jobName === jobName);
      if (found?.dataDeletionJobArn) return found.dataDeletionJobArn;
      nextToken = page.nextToken;
    } while (nextToken);
    throw new Error(`data deletion job ${jobName} exists but is not listed`);
  }
}

const csvField = (value: string): string => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
