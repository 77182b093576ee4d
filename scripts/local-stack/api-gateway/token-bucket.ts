/**
 * API Gateway's throttle: a bucket of `burstLimit` tokens refilled at `rateLimit` per second; a request
 * takes one token or is throttled (429). It meters real requests, so it runs on the monotonic clock
 * (never the pipeline's injected clock, which tests move by days, nor the wall clock, which can jump);
 * the clock is injectable so tests need not wait.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly rateLimit: number,
    private readonly burstLimit: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = Math.max(burstLimit, 0);
    this.#updatedAt = now();
  }

  /** Takes a token; false when the bucket is empty. */
  tryTake(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burstLimit, this.#tokens + ((now - this.#updatedAt) / 1_000) * this.rateLimit);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
