/**
 * Chooses what the integration suite runs against. By default: emulators each test file starts itself
 * (DynamoDB Local, kinesalite, fauxqs). With TEST_TARGET=localstack and a Docker engine: one LocalStack
 * container for the run. Without a Docker engine that request skips the suite with one clear line; it
 * never fails and never waits on a runtime that is not there.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_TARGET !== 'localstack') return;
  try {
    const { LocalstackContainer } = await import('@testcontainers/localstack');
    const container = await new LocalstackContainer(process.env.LOCALSTACK_IMAGE ?? 'localstack/localstack:4').start();
    process.env.LOCALSTACK_ENDPOINT = container.getConnectionUri();
    (globalThis as { localstack?: { stop(): Promise<unknown> } }).localstack = container;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.env.INTEGRATION_SKIP_REASON = `TEST_TARGET=localstack needs a Docker engine (${reason}); skipping the integration suite`;
    console.warn(`\n⚠ ${process.env.INTEGRATION_SKIP_REASON}\n`);
  }
}
