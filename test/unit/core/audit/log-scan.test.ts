import { hasFindings, scanLogLines } from '../../../../layers/core/audit/log-scan';

describe('scanLogLines', () => {
  it('counts each kind of personal data per source, without keeping what it matched', () => {
    const result = scanLogLines('deliver', [
      '{"level":"INFO","message":"sent","campaignId":"c-1","count":3}',
      '{"level":"WARN","message":"send failed","to":"+447700900123"}',
      '{"level":"ERROR","message":"endpoint disabled: arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/app/0a1b"}',
      '{"level":"INFO","message":"request","sourceIp":"203.0.113.0"}',
      '{"level":"INFO","message":"request","sourceIp":"203.0.113.57"}',
      '{"level":"INFO","message":"feedback from ann@example.com"}',
      '{"level":"INFO","message":"version 1.2.3 build +123"}',
    ]);
    expect(result).toEqual({ source: 'deliver', lines: 7, findings: { 'phone number': 1, 'push endpoint ARN': 1, 'IPv4 address': 1, email: 1 } });
    expect(JSON.stringify(result)).not.toContain('7700900123');
    expect(hasFindings([result])).toBe(true);
  });

  it('finds nothing in the lines functions write', () => {
    const result = scanLogLines('process-events', ['{"level":"INFO","message":"batch","records":100,"userIds":3,"timestamp":"2026-12-01T09:00:00.000Z"}']);
    expect(result.findings).toEqual({});
    expect(hasFindings([result])).toBe(false);
  });
});
