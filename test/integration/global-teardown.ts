/** Stops the LocalStack container global-setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { localstack?: { stop(): Promise<unknown> } }).localstack?.stop();
}
