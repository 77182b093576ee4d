import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { deployedStack, localLogSample } from '../../../scripts/audit/audit-sources';

describe('the quarterly audit\'s sources', () => {
  it('reads a deployed stack\'s template and its resources by logical id', async () => {
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: { Profiles: { Type: 'AWS::DynamoDB::Table' } } }) });
    cloudFormation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [{ LogicalResourceId: 'Profiles', PhysicalResourceId: 'prod-Profiles-1A2B', ResourceType: 'AWS::DynamoDB::Table', LastUpdatedTimestamp: new Date(), ResourceStatus: 'UPDATE_COMPLETE' }],
    });
    try {
      expect(await deployedStack('prod-pipeline')).toEqual({ template: { Resources: { Profiles: { Type: 'AWS::DynamoDB::Table' } } }, physicalIds: { Profiles: 'prod-Profiles-1A2B' } });
      expect(cloudFormation.commandCalls(GetTemplateCommand)[0]!.args[0].input).toEqual({ StackName: 'prod-pipeline', TemplateStage: 'Processed' });
    } finally {
      cloudFormation.restore();
    }
  });

  it('scans the local function log file per service, and says when there is none', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-logs-')), 'functions.log');
    expect(localLogSample(file)).toBeUndefined();
    writeFileSync(file, ['{"level":"INFO","message":"ok","service":"ingest"}', '{"level":"WARN","message":"to +447700900123","service":"deliver"}', ''].join('\n'));
    expect(localLogSample(file)).toEqual([
      { source: 'deliver', lines: 1, findings: { 'phone number': 1 } },
      { source: 'ingest', lines: 1, findings: {} },
    ]);
  });
});
