import Ajv, { type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import campaignSchema from '../../../events/schemas/campaign.schema.json';
import segmentSchema from '../../../events/schemas/segment.schema.json';
import type { Audience } from '../campaigns/campaign';

/** A saved audience: campaigns name it in `audience.segment`. */
export interface Segment {
  id: string;
  name: string;
  description?: string;
  audience: Audience;
}

/** A problem in a segment file, or in a campaign's use of one, by JSON pointer. */
export interface SegmentProblem {
  path: string;
  message: string;
}

export class SegmentInvalidError extends Error {
  override readonly name = 'SegmentInvalidError';
  constructor(
    readonly source: string,
    readonly problems: readonly SegmentProblem[],
  ) {
    super(`${source}: ${problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}`);
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(campaignSchema);
const validate = ajv.compile<Segment>(segmentSchema);

/** Reads a segment file (YAML or JSON), checked against events/schemas/segment.schema.json. */
export const parseSegment = (text: string, source: string): Segment => {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new SegmentInvalidError(source, [{ path: '', message: `is not YAML or JSON: ${(error as Error).message}` }]);
  }
  if (!validate(raw)) throw new SegmentInvalidError(source, (validate.errors ?? []).map(problemOf));
  if (raw.audience.segment !== undefined) throw new SegmentInvalidError(source, [{ path: '/audience/segment', message: 'a segment cannot name another segment' }]);
  const { $schema: _schema, ...segment } = raw as Segment & { $schema?: string };
  return segment;
};

const problemOf = (error: ErrorObject): SegmentProblem => ({
  path: error.instancePath,
  message: error.keyword === 'additionalProperties' ? `has an unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"` : (error.message ?? 'is invalid'),
});

/**
 * A campaign's audience with its saved segment resolved: the segment's predicates and the campaign's
 * own, which must not repeat one of the segment's (which would win would be a guess). The result names
 * the segment in `fromSegment` for people reading the stored campaign, and no longer in `segment`.
 */
export const resolveSegment = (audience: Audience, segments: ReadonlyMap<string, Segment>, source: string): Audience => {
  if (audience.segment === undefined) return audience;
  const segment = segments.get(audience.segment);
  if (!segment) throw new SegmentInvalidError(source, [{ path: '/audience/segment', message: `names "${audience.segment}", which is not a saved segment (events/segments/)` }]);
  const { segment: id, ...own } = audience;
  const repeated = Object.keys(own).filter((key) => key in segment.audience);
  if (repeated.length > 0) {
    throw new SegmentInvalidError(source, repeated.map((key) => ({ path: `/audience/${key}`, message: `is also set by segment "${id}": set it in one place` })));
  }
  return { ...segment.audience, ...own, fromSegment: id };
};
