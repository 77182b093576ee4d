import type { BroadcastRecipients } from '../core/broadcasts/broadcast-run';
import { parseUserIdList } from '../core/segments/imported-segment';
import type { S3Objects } from './s3-objects';

/**
 * The fan-out's recipient lists in the Reports bucket: `broadcasts/<campaign>/<occurrence>/<segment>.json`
 * (every wave of one scan segment: written once, read once per wave), and the imported segments,
 * `segments/<name>.csv`. The bucket's lifecycle removes the lists (docs/data-inventory.md).
 */
export class S3BroadcastRecipients implements BroadcastRecipients {
  constructor(private readonly objects: S3Objects) {}

  async put(campaignId: string, occurrence: string, segment: number, waves: Record<string, string[]>): Promise<void> {
    await this.objects.write(keyOf(campaignId, occurrence, segment), JSON.stringify(waves), 'application/json');
  }

  async wave(campaignId: string, occurrence: string, segment: number, wave: string): Promise<string[]> {
    const body = await this.objects.read(keyOf(campaignId, occurrence, segment));
    if (!body) return [];
    return (JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, string[]>)[wave] ?? [];
  }

  async importedSegment(name: string): Promise<ReadonlySet<string> | undefined> {
    const body = await this.objects.read(importedSegmentKey(name));
    return body && new Set(parseUserIdList(Buffer.from(body).toString('utf8')).userIds);
  }
}

export const importedSegmentKey = (name: string): string => `segments/${name}.csv`;

const keyOf = (campaignId: string, occurrence: string, segment: number): string => `broadcasts/${campaignId}/${occurrence.replace(':', '')}/${segment}.json`;
