import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { segmentTarget } from '../../layers/core/audit/audit-target';
import type { AuditTrail } from '../../layers/core/audit/audit-trail';
import { matchesAudience } from '../../layers/core/campaigns/match-audience';
import type { Profile } from '../../layers/core/profile/profile';
import { parseUserIdList } from '../../layers/core/segments/imported-segment';
import { parseSegment, SegmentInvalidError, type Segment } from '../../layers/core/segments/segment';
import { loadSegments, SEGMENTS_DIR } from './load-segment-files';

export const USAGE = 'usage: npm run segments -- list | validate <file>… | estimate <id|file> [--sample <n>] [--table <ProfilesTable>] | import <name> <file.csv> [--bucket <ReportsBucket>]';

/** What estimate reads profiles from, and records its sample in. */
export interface SegmentsCliDeps {
  readonly profiles: () => Promise<{ scan: () => AsyncIterable<Profile[]>; audit?: { trail: AuditTrail; actor: string }; close: () => void }>;
  readonly now: () => Date;
  readonly segmentsDir?: string;
  /** Stores an imported segment's CSV; answers where it went. */
  readonly upload?: (name: string, csv: string) => Promise<string>;
}

/** The size of a segment over every profile, and the first members found. */
export interface SegmentEstimate {
  readonly scanned: number;
  readonly members: number;
  readonly sample: string[];
}

/** Counts a segment's members in one pass over the profiles (a Scan: run it before a send, not in one). */
export const estimateSegment = async (segment: Segment, pages: AsyncIterable<Profile[]>, now: Date, sampleSize: number): Promise<SegmentEstimate> => {
  let scanned = 0;
  let members = 0;
  const sample: string[] = [];
  for await (const page of pages) {
    for (const profile of page) {
      scanned += 1;
      if (!matchesAudience(profile, segment.audience, now)) continue;
      members += 1;
      if (sample.length < sampleSize) sample.push(profile.userId);
    }
  }
  return { scanned, members, sample };
};

/** `npm run segments`: lines to print and the exit code. */
export const runSegmentsCli = async (argv: readonly string[], deps: SegmentsCliDeps): Promise<{ lines: string[]; exitCode: number }> => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { sample: { type: 'string', default: '5' }, table: { type: 'string' }, bucket: { type: 'string' } } });
  const [command, ...rest] = positionals;
  try {
    if (command === 'list') {
      const segments = [...loadSegments(deps.segmentsDir ?? SEGMENTS_DIR).values()];
      return { lines: segments.length === 0 ? ['no saved segments'] : segments.map((s) => `${s.id.padEnd(32)} ${s.name}  ${JSON.stringify(s.audience)}`), exitCode: 0 };
    }
    if (command === 'validate' && rest.length > 0) {
      const lines = rest.map((file) => `${file}: segment "${parseSegment(readFileSync(file, 'utf8'), file).id}" is valid`);
      return { lines, exitCode: 0 };
    }
    if (command === 'estimate' && rest.length === 1) return await estimate(rest[0]!, Number(values.sample), deps);
    if (command === 'import' && rest.length === 2 && deps.upload) return await importSegment(rest[0]!, rest[1]!, deps.upload);
  } catch (error) {
    if (error instanceof SegmentInvalidError) return { lines: error.problems.map((p) => `${error.source}: ${p.path || '/'} ${p.message}`), exitCode: 1 };
    throw error;
  }
  return { lines: [USAGE], exitCode: 2 };
};

const estimate = async (idOrFile: string, sampleSize: number, deps: SegmentsCliDeps) => {
  const segment = /\.(ya?ml|json)$/i.test(idOrFile) ? parseSegment(readFileSync(idOrFile, 'utf8'), idOrFile) : loadSegments(deps.segmentsDir ?? SEGMENTS_DIR).get(idOrFile);
  if (!segment) return { lines: [`no saved segment "${idOrFile}" in events/segments/`], exitCode: 1 };
  const source = await deps.profiles();
  try {
    const now = deps.now();
    // The sample names users: recorded in the audit trail like any admin read of profiles.
    if (sampleSize > 0 && source.audit) await source.audit.trail.record({ at: now.toISOString(), actor: source.audit.actor, action: 'segment.sampled', target: segmentTarget(segment.id), detail: { sample: sampleSize } });
    const result = await estimateSegment(segment, source.scan(), now, sampleSize);
    const share = result.scanned === 0 ? 'n/a' : `${((result.members / result.scanned) * 100).toFixed(1)}%`;
    return {
      lines: [`segment ${segment.id}: ${result.members.toLocaleString('en')} of ${result.scanned.toLocaleString('en')} profiles (${share})`, ...(result.sample.length > 0 ? [`sample: ${result.sample.join(', ')}`] : [])],
      exitCode: 0,
    };
  } finally {
    source.close();
  }
};

/** An imported segment's name: what a campaign's `audience.importedSegment` names (the schema's pattern). */
const IMPORTED_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Checks a CSV of user ids and uploads it, ids only (one column, deduplicated), as the segment's list. */
const importSegment = async (name: string, file: string, upload: NonNullable<SegmentsCliDeps['upload']>) => {
  if (!IMPORTED_NAME.test(name)) return { lines: [`"${name}" is not a segment name: lowercase letters, digits and dashes, up to 63`], exitCode: 1 };
  const list = parseUserIdList(readFileSync(file, 'utf8'));
  if (list.errors.length > 0) return { lines: list.errors.map((e) => `${file}${e.line > 0 ? `:${e.line}` : ''}: ${e.message}`), exitCode: 1 };
  const where = await upload(name, ['userId', ...list.userIds].join('\n') + '\n');
  return { lines: [`imported segment ${name}: ${list.userIds.length.toLocaleString('en')} user ids → ${where}`], exitCode: 0 };
};
