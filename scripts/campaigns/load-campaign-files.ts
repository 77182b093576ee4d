import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Campaign } from '../../layers/core/campaigns/campaign';
import { CampaignInvalidError } from '../../layers/core/campaigns/errors';
import { parseCampaign } from '../../layers/core/campaigns/parse-campaign';
import { resolveSegment, SegmentInvalidError, type Segment } from '../../layers/core/segments/segment';
import { loadSegments, SEGMENTS_DIR } from '../segments/load-segment-files';

/** File names a campaign folder may hold; anything else in it is ignored. */
export const CAMPAIGN_FILE = /\.(ya?ml|json)$/i;

/** The outcome of checking one file: its campaign, or why it is invalid. */
export type CampaignFileResult = { file: string; campaign: Campaign } | { file: string; error: CampaignInvalidError };

/** One or more campaign files are invalid; `invalid` holds each file's problems. */
export class CampaignFilesInvalidError extends Error {
  override readonly name = 'CampaignFilesInvalidError';
  constructor(readonly invalid: readonly CampaignInvalidError[]) {
    super(invalid.map((error) => error.message).join('\n'));
  }
}

/** The campaign files directly inside a folder (not its subfolders), by name. */
export const campaignFilesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => CAMPAIGN_FILE.test(name) && statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => join(dir, name));

/**
 * Parses and validates each file, and checks that no two files use the same campaign id (the second
 * would silently replace the first when stored). Never throws for an invalid file: each gets its result.
 */
export const checkCampaignFiles = (files: readonly string[], segmentsDir: string = SEGMENTS_DIR): CampaignFileResult[] => {
  let segments: Map<string, Segment> | undefined;
  const results = files.map((file): CampaignFileResult => {
    try {
      const campaign = parseCampaign(readFileSync(file, 'utf8'), file);
      if (campaign.audience.segment === undefined) return { file, campaign };
      // A saved segment becomes the campaign's predicates here, so what is stored is what is evaluated.
      segments ??= loadSegments(segmentsDir);
      return { file, campaign: { ...campaign, audience: resolveSegment(campaign.audience, segments, file) } };
    } catch (error) {
      if (error instanceof CampaignInvalidError) return { file, error };
      if (error instanceof SegmentInvalidError) return { file, error: new CampaignInvalidError(file, error.problems.map((p) => ({ ...p, code: 'INVALID_VALUE' as const }))) };
      throw error;
    }
  });
  const firstFileOf = new Map<string, string>();
  return results.map((result) => {
    if (!('campaign' in result)) return result;
    const first = firstFileOf.get(result.campaign.id);
    if (first === undefined) {
      firstFileOf.set(result.campaign.id, result.file);
      return result;
    }
    const error = new CampaignInvalidError(result.file, [{ path: '/id', code: 'DUPLICATE', message: `"${result.campaign.id}" is also the id of ${first}` }]);
    return { file: result.file, error };
  });
};

/**
 * Every campaign in a folder's *.yaml, *.yml and *.json files, validated (the local stack seeds the
 * examples in events/campaigns/ this way). Throws {@link CampaignFilesInvalidError} naming every invalid
 * file and field, so nothing is half-loaded.
 */
export const loadCampaignFiles = (dir: string): Campaign[] => {
  const results = checkCampaignFiles(campaignFilesIn(dir));
  const invalid = results.flatMap((result) => ('error' in result ? [result.error] : []));
  if (invalid.length > 0) throw new CampaignFilesInvalidError(invalid);
  return results.flatMap((result) => ('campaign' in result ? [result.campaign] : []));
};
