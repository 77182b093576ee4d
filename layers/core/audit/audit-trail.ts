/**
 * The audit trail of administrative actions: the port and its entry. Owned by the admin plane;
 * the quarterly audit copies it verbatim.
 */
export type AuditAction = 'campaign.stored' | 'campaign.activated' | 'campaign.deactivated' | 'rollout.started' | 'rollout.paused' | 'rollout.resumed' | 'rollout.aborted' | 'data-request.export' | 'data-request.erase' | 'profile.read' | 'segment.sampled';
export interface AuditEntry {
  readonly at: string; /** IAM principal ARN in AWS, `local:<os user>` locally */ readonly actor: string; readonly action: AuditAction;
  /** e.g. `campaign:<id>`, `rollout:<id>`, `user:<sha256 hex of the user id>` — never a raw user id */ readonly target: string;
  /** e.g. the campaign diff, a request id */ readonly detail?: Record<string, unknown>;
}
export interface AuditTrail { record(entry: AuditEntry): Promise<void>; list(query: { readonly from: string; readonly to: string; readonly action?: AuditAction; readonly actor?: string }): Promise<AuditEntry[]> }
