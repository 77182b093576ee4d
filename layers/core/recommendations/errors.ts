/** Training input that cannot be used: names the record and the problem. */
export class RecommendationInputInvalidError extends Error {
  override readonly name = 'RecommendationInputInvalidError';
  constructor(
    readonly problems: readonly string[],
  ) {
    super(`invalid training input: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
  }
}

/** A model artifact that is not one this code can load (wrong format, newer version, broken content). */
export class ModelArtifactInvalidError extends Error {
  override readonly name = 'ModelArtifactInvalidError';
  constructor(message: string, options?: ErrorOptions) {
    super(`model artifact: ${message}`, options);
  }
}

/** Scoring settings that cannot rank anything (a negative weight, all weights zero…). */
export class RecommendationConfigInvalidError extends Error {
  override readonly name = 'RecommendationConfigInvalidError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid recommendation settings: ${problems.join('; ')}`);
  }
}

/** No model where one was expected (no version promoted yet, or a version that was never written). */
export class ModelArtifactNotFoundError extends Error {
  override readonly name = 'ModelArtifactNotFoundError';
  constructor(readonly location: string, options?: ErrorOptions) {
    super(`no model artifact at ${location}`, options);
  }
}

/** A recommendation request that cannot be answered as asked (e.g. a count that is not a whole number ≥ 0). */
export class RecommendationRequestInvalidError extends Error {
  override readonly name = 'RecommendationRequestInvalidError';
}
