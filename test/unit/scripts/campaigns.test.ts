import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { CampaignFilesInvalidError, loadCampaignFiles } from '../../../scripts/campaigns';
import { runCampaignsCli, type CampaignsCliDeps } from '../../../scripts/campaigns/campaigns-cli';
import { parseCampaign } from '../../../layers/core/campaigns/parse-campaign';
import { campaignFactory, virtualClock } from '../../helpers/campaign-factories';
import { InMemoryCampaignStore } from '../../helpers/in-memory-campaign-store';
import type { AuditEntry, AuditTrail } from '../../../layers/core/audit/audit-trail';

const ROOT = resolve(__dirname, '../../..');
const SEEDS = join(ROOT, 'events/campaigns');
const SEED = join(SEEDS, 'browsed-three-pages.yaml');

const BROKEN = ['id: broken-one', 'name: Broken', 'trigger:', '  event: { type: login }', '  after: 3 days', 'content:', '  - { name: default, title: Hi, body: Hello }', 'channels: [push]', 'caps: { oncePer: 7d }', ''].join('\n');

/** Runs the CLI in-process against an in-memory store, capturing what it prints. */
/** An audit trail in memory, append-only like the Audit table. */
class InMemoryAuditTrail implements AuditTrail {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry) {
    this.entries.push(entry);
  }
  async list() {
    return [...this.entries];
  }
}

const run = async (argv: string[], store = new InMemoryCampaignStore(), audit?: InMemoryAuditTrail) => {
  const out: string[] = [];
  const err: string[] = [];
  const opened: { table?: string }[] = [];
  const deps: CampaignsCliDeps = {
    openStore: async (options) => {
      opened.push(options);
      return { store, target: 'the test store', close: () => undefined, ...(audit && { audit: { trail: audit, actor: 'local:tester' } }) };
    },
    clock: virtualClock('2026-11-22T10:00:00.000Z').clock,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const code = await runCampaignsCli(argv, deps);
  return { code, out: out.join('\n'), err: err.join('\n'), opened, store };
};

describe('npm run campaigns', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'campaigns-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('validate', () => {
    it('accepts the seed folder with exit code 0, offline', async () => {
      // Act
      const result = await run(['validate', SEEDS]);

      // Assess
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/7 valid, 0 invalid/);
      expect(result.opened).toEqual([]);
    });

    it('prints each problem with its file, line and field path, and exits 1', async () => {
      // Prepare
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, BROKEN);

      // Act
      const result = await run(['validate', SEED, broken]);

      // Assess
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/ok {7}.*browsed-three-pages\.yaml \(browsed-three-pages\)/);
      expect(result.out).toMatch(/INVALID {2}.*broken\.yaml/);
      expect(result.out).toMatch(/1 valid, 1 invalid/);
      expect(result.err).toBe(`${broken}:5: /trigger/after: must be a duration: a whole number and a unit (ms, s, m, h, d or w), e.g. "90s", "30m", "24h", "3d" [INVALID_DURATION]`);
    });

    it('refuses two files with the same campaign id', async () => {
      // Prepare
      const copy = join(dir, 'copy.yaml');
      writeFileSync(copy, readFileSync(SEED));

      // Act
      const result = await run(['validate', SEED, copy]);

      // Assess
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/copy\.yaml: \/id: "browsed-three-pages" is also the id of .*browsed-three-pages\.yaml \[DUPLICATE\]/);
    });

    it('exits 2 with the usage for a missing file or no file at all', async () => {
      // Act
      const missing = await run(['validate', join(dir, 'nope.yaml')]);
      const none = await run(['validate']);

      // Assess
      expect(missing).toMatchObject({ code: 2, err: expect.stringMatching(/no such file or folder: .*nope\.yaml\nusage:/) });
      expect(none).toMatchObject({ code: 2, err: expect.stringMatching(/at least one file/) });
    });

    it('exits with the code the real script sets', async () => {
      // Prepare
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, BROKEN);
      const tsx = join(ROOT, 'node_modules/.bin/tsx');

      // Act
      const failure = await promisify(execFile)(tsx, ['scripts/campaigns.ts', 'validate', broken], { cwd: ROOT }).catch((error: { code: number; stderr: string }) => error);

      // Assess
      expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining(`${broken}:5: /trigger/after`) });
    });
  });

  describe('activate, deactivate, list, show', () => {
    it('stores and activates a file, then lists it', async () => {
      // Act
      const activated = await run(['activate', SEED]);
      const listed = await run(['list'], activated.store);

      // Assess
      expect(activated.code).toBe(0);
      expect(activated.out).toMatch(/stored and activated browsed-three-pages \(version 2\)/);
      expect(await activated.store.active()).toEqual([parseCampaign(readFileSync(SEED, 'utf8'), SEED)]);
      expect(listed.out.split('\n')).toEqual([
        'ID                   NAME                      ACTIVE  VERSION  UPDATED',
        'browsed-three-pages  Engaged browsing session  yes     2        2026-11-22T10:00:00.000Z',
      ]);
    });

    it('refuses an invalid file and stores nothing', async () => {
      // Prepare
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, BROKEN);

      // Act
      const result = await run(['activate', broken]);

      // Assess
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/\/trigger\/after[\s\S]*nothing was stored/);
      expect(await result.store.list()).toEqual([]);
    });

    it('activates and deactivates a stored campaign by id', async () => {
      // Prepare
      const store = new InMemoryCampaignStore().with(campaignFactory({ id: 'stored-one' }));

      // Act
      const activated = await run(['activate', 'stored-one'], store);
      const deactivated = await run(['deactivate', 'stored-one'], store);

      // Assess
      expect(activated).toMatchObject({ code: 0, out: 'activated stored-one (version 2) in the test store' });
      expect(deactivated).toMatchObject({ code: 0, out: 'deactivated stored-one (version 3) in the test store' });
      expect(await store.active()).toEqual([]);
    });

    it('records who stored, activated and deactivated what in the audit trail, with the diff of a stored file', async () => {
      // Prepare
      const store = new InMemoryCampaignStore();
      const audit = new InMemoryAuditTrail();
      const changed = join(dir, 'browsed-three-pages.yaml');
      writeFileSync(changed, readFileSync(SEED, 'utf8').replace(/^name: .*$/m, 'name: Browsed three pages, renamed'));

      // Act
      await run(['activate', SEED], store, audit);
      await run(['activate', changed], store, audit);
      await run(['deactivate', 'browsed-three-pages'], store, audit);

      // Assess
      expect(audit.entries.map((e) => [e.action, e.target, e.actor])).toEqual([
        ['campaign.stored', 'campaign:browsed-three-pages', 'local:tester'],
        ['campaign.activated', 'campaign:browsed-three-pages', 'local:tester'],
        ['campaign.stored', 'campaign:browsed-three-pages', 'local:tester'],
        ['campaign.activated', 'campaign:browsed-three-pages', 'local:tester'],
        ['campaign.deactivated', 'campaign:browsed-three-pages', 'local:tester'],
      ]);
      expect(audit.entries[2]!.detail).toMatchObject({ diff: [expect.objectContaining({ path: '/name', value: 'Browsed three pages, renamed' })] });
    });

    it('says a change was not audited when no trail is known', async () => {
      // Act
      const result = await run(['activate', 'stored-one'], new InMemoryCampaignStore().with(campaignFactory({ id: 'stored-one' })));

      // Assess
      expect(result.err).toMatch(/not audited \(campaign.activated\)/);
    });

    it('exits 1 naming the id when it is not stored', async () => {
      // Act
      const result = await run(['deactivate', 'no-such-campaign']);

      // Assess
      expect(result).toMatchObject({ code: 1, err: 'no stored campaign with id no-such-campaign' });
    });

    it('shows a stored campaign as a file that validates again', async () => {
      // Prepare
      const stored = await run(['activate', SEED]);

      // Act
      const shown = await run(['show', 'browsed-three-pages'], stored.store);

      // Assess
      expect(shown.code).toBe(0);
      expect(shown.out.split('\n')[0]).toBe('# active, version 2, updated 2026-11-22T10:00:00.000Z');
      expect(parse(shown.out)).toMatchObject({ id: 'browsed-three-pages', trigger: { count: { atLeast: 3, within: '30m' } }, caps: { oncePer: '1d' } });
      expect(parseCampaign(shown.out, 'shown.yaml')).toEqual(parseCampaign(readFileSync(SEED, 'utf8'), SEED));
    });

    it('passes --table to the store and lists as JSON', async () => {
      // Prepare
      const store = new InMemoryCampaignStore().with(campaignFactory({ id: 'one', name: 'One' }), { active: true });

      // Act
      const result = await run(['list', '--json', '--table', 'prod-Campaigns'], store);

      // Assess
      expect(result.opened).toEqual([{ table: 'prod-Campaigns' }]);
      expect(JSON.parse(result.out)).toEqual([{ id: 'one', name: 'One', active: 'yes', version: 1, updated: '2026-11-22T00:00:00.000Z' }]);
    });

    it('exits 2 with the usage for an unknown command', async () => {
      // Act
      const result = await run(['launch', 'x']);

      // Assess
      expect(result).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "launch"\nusage:/) });
    });
  });

  describe('loadCampaignFiles', () => {
    it('loads every seed campaign', () => {
      // Act
      const campaigns = loadCampaignFiles(SEEDS);

      // Assess
      expect(campaigns.map((c) => c.id)).toEqual(['app-open-free-delivery', 'birthday-greeting', 'browsed-three-pages', 'comeback-after-3-days', 'related-products-after-purchase', 'viewed-no-cart-coupon', 'wishlist-reminder']);
    });

    it('throws naming every invalid file, and ignores other files', () => {
      // Prepare
      writeFileSync(join(dir, 'good.yml'), readFileSync(SEED));
      writeFileSync(join(dir, 'bad.json'), '{ "id": "x" }');
      writeFileSync(join(dir, 'broken.yaml'), BROKEN);
      writeFileSync(join(dir, 'notes.md'), '# not a campaign');

      // Act
      const loading = () => loadCampaignFiles(dir);

      // Assess
      expect(loading).toThrow(CampaignFilesInvalidError);
      expect(loading).toThrow(/bad\.json: invalid campaign[\s\S]*broken\.yaml: invalid campaign/);
    });
  });
});
