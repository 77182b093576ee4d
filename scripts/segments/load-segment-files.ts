import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSegment, SegmentInvalidError, type Segment } from '../../layers/core/segments/segment';

/** Where saved segments live: campaigns name them by id. */
export const SEGMENTS_DIR = join(__dirname, '../../events/segments');

const SEGMENT_FILE = /\.(ya?ml|json)$/i;

/** The segment files directly inside a folder, by name (none when the folder does not exist). */
export const segmentFilesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => SEGMENT_FILE.test(name) && statSync(join(dir, name)).isFile())
        .sort()
        .map((name) => join(dir, name))
    : [];

/** Every saved segment of a folder by id; throws on an invalid file or two files with one id. */
export const loadSegments = (dir: string = SEGMENTS_DIR): Map<string, Segment> => {
  const segments = new Map<string, Segment>();
  const files = new Map<string, string>();
  for (const file of segmentFilesIn(dir)) {
    const segment = parseSegment(readFileSync(file, 'utf8'), file);
    const first = files.get(segment.id);
    if (first) throw new SegmentInvalidError(file, [{ path: '/id', message: `"${segment.id}" is also the id of ${first}` }]);
    files.set(segment.id, file);
    segments.set(segment.id, segment);
  }
  return segments;
};
