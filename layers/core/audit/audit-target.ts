import { createHash } from 'node:crypto';
import type { AuditAction } from './audit-trail';

/** Every action the trail knows, for validating `--action` and stored items. */
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'campaign.stored',
  'campaign.activated',
  'campaign.deactivated',
  'rollout.started',
  'rollout.paused',
  'rollout.resumed',
  'rollout.aborted',
  'data-request.export',
  'data-request.erase',
  'profile.read',
  'segment.sampled',
];

export const isAuditAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value);

/**
 * The audit target naming a user: `user:<sha256 hex>`. The trail is kept longer than any personal
 * data and is not erased with the user, so it must never hold the raw id; whoever holds the id can
 * still find its entries by hashing it.
 */
export const userTarget = (userId: string): string => `user:${createHash('sha256').update(userId, 'utf8').digest('hex')}`;

export const campaignTarget = (campaignId: string): string => `campaign:${campaignId}`;

export const rolloutTarget = (campaignId: string): string => `rollout:${campaignId}`;

export const segmentTarget = (segmentId: string): string => `segment:${segmentId}`;
