import {
  CreateDatasetImportJobCommand,
  CreateSolutionVersionCommand,
  DescribeCampaignCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  UpdateCampaignCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';

/** The Personalize resources retraining works on (created once by the team; see docs/recommendations.md). */
export interface PersonalizeTarget {
  datasetArn: string;
  solutionArn: string;
  campaignArn: string;
  /** The role Personalize assumes to read the export from S3. */
  roleArn: string;
}

/** A job's status as Personalize reports it: ACTIVE (done), CREATE FAILED, or in progress. */
export type JobStatus = 'ACTIVE' | 'FAILED' | 'IN_PROGRESS';

/** Personalize's training calls, over the SDK client (faked at the client in tests: there is no emulator). */
export class PersonalizeTraining {
  constructor(
    private readonly client: PersonalizeClient,
    private readonly target: PersonalizeTarget,
  ) {}

  async startImport(dataLocation: string, jobName: string): Promise<string> {
    const { datasetImportJobArn } = await this.client.send(
      new CreateDatasetImportJobCommand({ jobName, datasetArn: this.target.datasetArn, dataSource: { dataLocation }, roleArn: this.target.roleArn, importMode: 'FULL' }),
    );
    return required(datasetImportJobArn, 'CreateDatasetImportJob returned no job ARN');
  }

  async importStatus(jobArn: string): Promise<{ status: JobStatus; reason?: string }> {
    const { datasetImportJob } = await this.client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: jobArn }));
    return statusOf(datasetImportJob?.status, datasetImportJob?.failureReason);
  }

  async startSolutionVersion(): Promise<string> {
    const { solutionVersionArn } = await this.client.send(new CreateSolutionVersionCommand({ solutionArn: this.target.solutionArn, trainingMode: 'FULL' }));
    return required(solutionVersionArn, 'CreateSolutionVersion returned no ARN');
  }

  async solutionVersionStatus(solutionVersionArn: string): Promise<{ status: JobStatus; reason?: string }> {
    const { solutionVersion } = await this.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
    return statusOf(solutionVersion?.status, solutionVersion?.failureReason);
  }

  async metricsOf(solutionVersionArn: string): Promise<Record<string, number>> {
    const { metrics } = await this.client.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
    return metrics ?? {};
  }

  /** The solution version the campaign serves now, if any. */
  async servingSolutionVersion(): Promise<string | undefined> {
    const { campaign } = await this.client.send(new DescribeCampaignCommand({ campaignArn: this.target.campaignArn }));
    return campaign?.solutionVersionArn;
  }

  async deploy(solutionVersionArn: string): Promise<void> {
    await this.client.send(new UpdateCampaignCommand({ campaignArn: this.target.campaignArn, solutionVersionArn }));
  }
}

const statusOf = (status: string | undefined, reason: string | undefined): { status: JobStatus; reason?: string } => {
  if (status === 'ACTIVE') return { status: 'ACTIVE' };
  if (status?.includes('FAILED')) return { status: 'FAILED', ...(reason && { reason }) };
  return { status: 'IN_PROGRESS' };
};

const required = (value: string | undefined, message: string): string => {
  if (!value) throw new Error(message);
  return value;
};
