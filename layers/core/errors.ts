/** Another writer changed the profile since it was read; reload and fold again. */
export class ProfileVersionConflictError extends Error {
  override readonly name = 'ProfileVersionConflictError';
  constructor(
    readonly userId: string,
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(`profile ${userId} is no longer at version ${expectedVersion}`, options);
  }
}

/** Some entries of a batch write were still refused after every retry. */
export class PartialWriteError extends Error {
  override readonly name = 'PartialWriteError';
  constructor(
    readonly target: string,
    readonly failedCount: number,
    readonly errorCodes: string[],
  ) {
    super(`${failedCount} entries could not be written to ${target} (${[...new Set(errorCodes)].join(', ')})`);
  }
}
