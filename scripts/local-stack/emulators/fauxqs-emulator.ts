import * as path from 'node:path';
import { LOOPBACK } from './free-port';
import { startManagedChild } from './managed-child-process';
import type { EmulatorIdentity, RunningEmulator } from './emulator';

const LISTENING_LINE = /FAUXQS_LISTENING (\d+)/;

/** Options of {@link startFauxqs}. */
export interface FauxqsOptions extends EmulatorIdentity {
  /** @default 60000: a loaded 2-core machine has taken over 15 s to answer its first health check */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts fauxqs (SQS, and SNS topics with SQS subscriptions) as a child Node process through our
 * launcher, which binds 127.0.0.1 on a port the kernel picks and makes queue URLs point at it. Ready
 * once the launcher has printed its port and `GET /health` answers.
 */
export const startFauxqs = async (options: FauxqsOptions): Promise<RunningEmulator> => {
  let port = 0;
  const child = await startManagedChild({
    name: 'fauxqs',
    command: process.execPath,
    args: [path.join(__dirname, 'fauxqs-launcher.mjs'), '0', options.region],
    commandNotFoundMessage: `node not found at ${process.execPath}`,
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    explainExit: (_code, output) =>
      /Cannot find (package|module) 'fauxqs'|ERR_MODULE_NOT_FOUND/.test(output) ? `fauxqs is not installed (npm ci installs it):\n${output.trim()}` : undefined,
    isReady: async (output) => {
      const match = LISTENING_LINE.exec(output);
      if (!match?.[1]) return false;
      port = Number(match[1]);
      const response = await fetch(`http://${LOOPBACK}:${port}/health`, { signal: AbortSignal.timeout(1_000) });
      return response.ok;
    },
  });
  return { endpoint: `http://${LOOPBACK}:${port}`, port, stop: child.stop };
};
