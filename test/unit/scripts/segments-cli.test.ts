import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '../../../layers/core/audit/audit-trail';
import { checkCampaignFiles } from '../../../scripts/campaigns/load-campaign-files';
import { loadSegments, SEGMENTS_DIR } from '../../../scripts/segments/load-segment-files';
import { runSegmentsCli } from '../../../scripts/segments/segments-cli';
import { profileFactory } from '../../helpers/factories';

const NOW = new Date('2026-12-01T09:00:00.000Z');

describe('npm run segments', () => {
  const profiles = [
    profileFactory({ userId: 'ann', traits: { region: 'EU', memberLevel: 'gold' }, consent: { push: { granted: true, at: NOW.toISOString(), source: 'settings' } } }),
    profileFactory({ userId: 'bob', traits: { region: 'EU', memberLevel: 'silver' }, consent: { push: { granted: true, at: NOW.toISOString(), source: 'settings' } } }),
    profileFactory({ userId: 'cy', traits: { region: 'EU', memberLevel: 'gold' }, consent: { push: { granted: true, at: NOW.toISOString(), source: 'settings' } } }),
  ];
  const deps = (recorded: AuditEntry[]) => ({
    now: () => NOW,
    profiles: async () => ({
      scan: async function* () {
        yield profiles;
      },
      audit: { trail: { record: async (entry: AuditEntry) => void recorded.push(entry), list: async () => [] }, actor: 'local:test' },
      close: () => undefined,
    }),
  });

  it('imports a CSV of user ids as one clean column, and refuses a bad name or a bad row', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'imported-'));
    writeFileSync(join(dir, 'vip.csv'), 'userId,email\nann,ann@example.com\nbob,\nann,\n');
    writeFileSync(join(dir, 'bad.csv'), `ann\n${'x'.repeat(200)}\n`);
    const uploads: [string, string][] = [];
    const withUpload = { ...deps([]), upload: async (name: string, csv: string) => (uploads.push([name, csv]), `s3://reports/segments/${name}.csv`) };

    // Act
    const ok = await runSegmentsCli(['import', 'vip-list', join(dir, 'vip.csv')], withUpload);
    const badName = await runSegmentsCli(['import', 'VIP list', join(dir, 'vip.csv')], withUpload);
    const badRow = await runSegmentsCli(['import', 'vip-list', join(dir, 'bad.csv')], withUpload);

    // Assess
    expect(ok).toEqual({ lines: ['imported segment vip-list: 2 user ids → s3://reports/segments/vip-list.csv'], exitCode: 0 });
    expect(uploads).toEqual([['vip-list', 'userId\nann\nbob\n']]);
    expect(badName.exitCode).toBe(1);
    expect(badRow).toEqual({ lines: [`${join(dir, 'bad.csv')}:2: is longer than 128 characters`], exitCode: 1 });
  });

  it('validates the saved segments in events/segments/', () => {
    expect([...loadSegments(SEGMENTS_DIR).keys()].sort()).toEqual(['gold-members-eu', 'lapsed-buyers', 'membership-expiring', 'wishlisters']);
  });

  it('estimates a segment over the profiles with a sample of members, and audits the sample', async () => {
    const recorded: AuditEntry[] = [];
    const { lines, exitCode } = await runSegmentsCli(['estimate', 'gold-members-eu', '--sample', '1'], deps(recorded));
    expect(exitCode).toBe(0);
    expect(lines).toEqual(['segment gold-members-eu: 2 of 3 profiles (66.7%)', 'sample: ann']);
    expect(recorded).toEqual([expect.objectContaining({ action: 'segment.sampled', target: 'segment:gold-members-eu', actor: 'local:test' })]);
  });

  it('names the field of an invalid segment file, and prints its usage otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segments-'));
    writeFileSync(join(dir, 'bad.yaml'), 'id: bad\nname: Bad\naudience: { consentGranted: [fax] }\n');
    const invalid = await runSegmentsCli(['validate', join(dir, 'bad.yaml')], deps([]));
    expect(invalid.exitCode).toBe(1);
    expect(invalid.lines[0]).toMatch(/bad\.yaml: \/audience\/consentGranted\/0 /);
    expect((await runSegmentsCli(['size'], deps([]))).exitCode).toBe(2);
  });
});

describe('campaign files that name a segment', () => {
  const campaign = (audience: string) =>
    [
      'id: gold-comeback',
      'name: Gold comeback',
      'trigger:',
      '  event: { type: app_open }',
      `audience: ${audience}`,
      'content:',
      '  - name: default',
      '    title: Welcome back',
      '    body: Good to see you.',
      '    recommendations: 0',
      'channels: [push]',
      'caps: { oncePer: 7d }',
    ].join('\n');

  it('are loaded with the segment\'s predicates, so what is stored is what is evaluated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'campaigns-'));
    writeFileSync(join(dir, 'ok.yaml'), campaign('{ segment: gold-members-eu, lifecycleStages: [stable] }'));
    writeFileSync(join(dir, 'unknown.yaml'), campaign('{ segment: no-such-segment }').replace('gold-comeback', 'other-campaign'));
    const [ok, unknown] = checkCampaignFiles([join(dir, 'ok.yaml'), join(dir, 'unknown.yaml')]);
    expect(ok && 'campaign' in ok && ok.campaign.audience).toEqual({ traits: { region: ['EU'], memberLevel: ['gold'] }, consentGranted: ['push'], lifecycleStages: ['stable'], fromSegment: 'gold-members-eu' });
    expect(unknown && 'error' in unknown && unknown.error.message).toMatch(/\/audience\/segment.*not a saved segment/);
  });
});
