import type { S3Client } from '@aws-sdk/client-s3';
import type { ReportSink } from '../core/rollouts/rollout-steps';
import { S3Objects } from './s3-objects';

/** Rollout reports in S3: `reports/<campaignId>/<runId>.html`, next to nothing else. */
export class S3ReportSink implements ReportSink {
  private readonly objects: S3Objects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new S3Objects(client, bucket);
  }

  async write(campaignId: string, runId: string, html: string): Promise<string> {
    const key = `reports/${campaignId}/${runId}.html`;
    await this.objects.write(key, html, 'text/html; charset=utf-8');
    return `s3://${this.objects.bucket}/${key}`;
  }
}
