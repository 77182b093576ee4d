/** The time source. Injected everywhere so that folds and decisions are deterministic in tests. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
