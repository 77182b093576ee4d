/** Another writer changed the rollout since it was read (the CLI and the state machine both write it). */
export class RolloutVersionConflictError extends Error {
  constructor(
    readonly campaignId: string,
    readonly expectedVersion: number,
  ) {
    super(`rollout of ${campaignId} changed since version ${expectedVersion} was read`);
    this.name = 'RolloutVersionConflictError';
  }
}

/** A rollout command that does not apply to the rollout's state (e.g. pausing a completed rollout). */
export class RolloutStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RolloutStateError';
  }
}
