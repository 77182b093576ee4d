import { scanLogLines } from '../../layers/core/audit/log-scan';
import { addToCoverage, EMPTY_COVERAGE, encryptionRows, quarterBounds, wildcardStatements, type TemplateLike } from '../../layers/core/audit/quarterly-audit';
import { renderQuarterlyAudit } from '../../layers/core/audit/quarterly-report';
import { buildQuarterlyAudit, synthesizeForAudit } from '../../scripts/audit/quarterly';

const NOW = new Date('2026-11-22T10:00:00.000Z');

describe('the quarterly security audit', () => {
  describe('on the synthesized pipeline', () => {
    const audit = buildQuarterlyAudit({ ...synthesizeForAudit(), consent: undefined, now: NOW });

    it('lists every store with its encryption, and flags what nothing encrypts', () => {
      const byName = Object.fromEntries(audit.encryption.map((r) => [r.resource, r.encryption]));
      expect(byName).toMatchObject({ Profiles: 'aws-managed', Consents: 'aws-managed', Audit: 'aws-managed', Events: 'aws-managed', DeliveryEvents: 'aws-managed', FieldKey: 'rotation on', EventsArchive: 'aws-owned' });
      // A real finding the report surfaces: the alarm topics use no KMS key (CloudWatch cannot publish to the AWS-managed one).
      expect(audit.encryption.filter((r) => !r.ok).map((r) => r.resource).sort()).toEqual(['Alerts', 'Reviews']);
    });

    it('finds a justification for every IAM statement with a wildcard, and no unacknowledged cdk-nag finding', () => {
      expect(audit.wildcards.length).toBeGreaterThan(0);
      expect(audit.wildcards.filter((w) => w.justifications.length === 0)).toEqual([]);
      expect(audit.nag.unacknowledged).toEqual([]);
      expect(audit.nag.acknowledged.every((a) => a.reason.length > 0)).toBe(true);
    });

    it('states each store’s retention and lists the unbounded ones for review', () => {
      const byName = Object.fromEntries(audit.retention.map((r) => [r.resource, r]));
      expect(byName.Messages).toMatchObject({ retention: 'TTL on expiresAt', bounded: true });
      expect(byName.Audit).toMatchObject({ retention: 'TTL on expiresAt', bounded: true });
      expect(audit.retention.filter((r) => !r.bounded).map((r) => r.resource).sort()).toEqual(['Campaigns', 'Consents', 'Models', 'Profiles', 'Reports']);
    });

    it('renders every section, and says what it could not reach', () => {
      const html = renderQuarterlyAudit(audit);
      for (const id of ['encryption', 'wildcards', 'retention', 'consent', 'data-requests', 'logs', 'nag', 'not-covered']) expect(html).toContain(`id="${id}"`);
      expect(audit.quarter).toBe('2026-Q4');
      expect(audit.notCovered.join(' ')).toMatch(/data-subject requests: no local stack/);
      expect(audit.notCovered.join(' ')).toMatch(/logs: no/);
    });

    it('lists the quarter\'s data-subject requests with their times, and the log sources with what was found', () => {
      const receipt = (requestId: string, requestedAt: string, completedAt: string, failed = false) => ({
        requestId,
        kind: 'erase' as const,
        status: failed ? ('failed' as const) : ('succeeded' as const),
        requestedAt,
        completedAt,
        stores: [{ store: 'profiles', outcome: failed ? ('failed' as const) : ('erased' as const) }],
      });
      const withSections = buildQuarterlyAudit({
        ...synthesizeForAudit(),
        consent: undefined,
        now: NOW,
        dataRequests: [receipt('late', '2026-10-02T00:00:00.000Z', '2026-10-03T06:00:00.000Z'), receipt('quick', '2026-10-01T00:00:00.000Z', '2026-10-01T00:07:00.000Z'), receipt('broken', '2026-11-01T00:00:00.000Z', '2026-11-01T00:09:00.000Z', true)],
        logScan: [scanLogLines('deliver', ['{"level":"INFO","message":"sent"}']), scanLogLines('ingest', ['{"level":"WARN","message":"from 198.51.100.23"}'])],
      });
      expect(withSections.dataRequests).toMatchObject({ late: 2, failed: 1, maxMinutes: 1800 });
      expect(withSections.dataRequests.rows.map((r) => [r.requestId, r.minutes, r.failedStores])).toEqual([['quick', 7, []], ['late', 1800, []], ['broken', 9, ['profiles']]]);
      const html = renderQuarterlyAudit(withSections);
      expect(html).toContain('Data-subject requests: 3 this quarter, 1 failed, 2 not complete within 24 hours; the slowest took 1800 minutes.');
      expect(html).toContain('IPv4 address: 1');
      expect(html).not.toContain('198.51.100.23');
      expect(withSections.notCovered.join(' ')).not.toMatch(/data-subject|logs:/);
    });
  });

  it('bounds a quarter', () => {
    expect(quarterBounds('2026-Q4')).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(quarterBounds('2027-Q1')).toEqual({ from: '2027-01-01T00:00:00.000Z', to: '2027-04-01T00:00:00.000Z' });
  });

  describe('on a template with problems', () => {
    const template: TemplateLike = {
      Resources: {
        Plain: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } },
        Wide: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } } },
        Narrow: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/k' }] } } },
      },
    };

    it('flags an unencrypted queue and a wildcard without a reason', () => {
      expect(encryptionRows(template)).toEqual([{ resource: 'Plain', type: 'AWS::SQS::Queue', encryption: 'none', ok: false }]);
      expect(wildcardStatements(template, { violations: [] })).toEqual([{ policy: 'Wide', actions: ['s3:*'], resources: ['*'], justifications: [] }]);
    });

    it('takes the reason of the acknowledgement on the policy', () => {
      const nag = { violations: [], suppressedViolations: [{ ruleName: 'AwsSolutions-IAM5[Action::s3:*]', violatingConstructs: [{ constructPath: 'Stack/Wide/Resource' }], reason: 'because' }] };
      expect(wildcardStatements(template, nag, { Wide: 'Stack/Wide/Resource' })[0]!.justifications).toEqual(['because']);
    });
  });

  it('counts consent coverage without keeping anyone', () => {
    const coverage = [{ tracking: { granted: true }, push: { granted: true } }, { sms: { granted: false } }, {}].reduce(addToCoverage, EMPTY_COVERAGE);
    expect(coverage).toEqual({ profiles: 3, trackingStated: 1, trackingGranted: 1, channelStated: 2 });
  });
});
