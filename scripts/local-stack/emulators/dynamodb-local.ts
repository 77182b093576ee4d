import * as path from 'node:path';
import { findFreePort, LOOPBACK } from './free-port';
import { startManagedChild } from './managed-child-process';
import type { RunningEmulator } from './emulator';

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** The Java executable. @default `$JAVA_HOME/bin/java` if JAVA_HOME is set, else `java` */
  readonly javaCommand?: string;
  /** Directory holding DynamoDBLocal.jar and DynamoDBLocal_lib. @default the copy shipped in amplify-dynamodb-simulator */
  readonly emulatorDir?: string;
  /** @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** Where the amplify-dynamodb-simulator package keeps DynamoDB Local (1.25.1 at the time of writing). */
export const defaultDynamoDbLocalDir = (): string => path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

const defaultJava = (): string => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');

/** Any HTTP answer (DynamoDB Local rejects the unsigned probe with 400) means the server is up. */
const answersHttp = async (endpoint: string): Promise<boolean> => {
  try {
    await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
};

const PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local in memory on a free port. It runs under our supervisor so the JVM dies with
 * this process even when this process is SIGKILLed. DynamoDB Local has no bind-address option, so
 * it listens on all interfaces; we only ever talk to it on 127.0.0.1.
 *
 * `-sharedDb`: one database whatever the credentials and region, so handlers and tests see the same
 * tables. `-disableTelemetry`: it would otherwise try to reach AWS.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<RunningEmulator> => {
  const javaCommand = options.javaCommand ?? defaultJava();
  const emulatorDir = options.emulatorDir ?? defaultDynamoDbLocalDir();
  let lastError: unknown;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt += 1) {
    const port = await findFreePort();
    const endpoint = `http://${LOOPBACK}:${port}`;
    try {
      const child = await startManagedChild({
        name: 'DynamoDB Local',
        command: process.execPath,
        args: [
          path.join(__dirname, 'supervise-child.mjs'),
          javaCommand,
          `-Djava.library.path=${path.join(emulatorDir, 'DynamoDBLocal_lib')}`,
          '-jar',
          path.join(emulatorDir, 'DynamoDBLocal.jar'),
          '-inMemory',
          '-sharedDb',
          '-disableTelemetry',
          '-port',
          String(port),
        ],
        cwd: emulatorDir,
        commandNotFoundMessage: `java not found (${javaCommand}): DynamoDB Local needs Java 17+ on the PATH or in JAVA_HOME`,
        explainExit: (code, output) => {
          if (/UnsupportedClassVersionError/.test(output)) return `DynamoDB Local needs Java 17+; ${javaCommand} is older:\n${output.trim()}`;
          if (/Unable to access jarfile/.test(output)) return `DynamoDB Local is not installed in ${emulatorDir} (no DynamoDBLocal.jar)`;
          if (/Address already in use|BindException/.test(output)) return `port ${port} is taken`;
          return undefined;
        },
        isReady: () => answersHttp(endpoint),
        readyTimeoutMs: options.readyTimeoutMs,
      });
      return { endpoint, port, stop: child.stop };
    } catch (error) {
      lastError = error;
      // Only a lost race for the port is worth another try.
      if (!(error instanceof Error && error.message === `port ${port} is taken`)) throw error;
    }
  }
  throw lastError;
};
