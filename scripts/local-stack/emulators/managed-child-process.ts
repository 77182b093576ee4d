import { spawn, type ChildProcess } from 'node:child_process';

/** How to start a child process and tell when it is ready. */
export interface ManagedChildOptions {
  /** Shown in errors, e.g. `DynamoDB Local`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The error message when `command` cannot be found (ENOENT), e.g. `java not found: ...`. */
  readonly commandNotFoundMessage: string;
  /**
   * Resolves `true` once the child answers. Called every {@link ManagedChildOptions.probeIntervalMs}
   * until it does; each call gets the output seen so far (some children print their port).
   */
  readonly isReady: (output: string) => Promise<boolean>;
  /** @default 30000 */
  readonly readyTimeoutMs?: number;
  /** @default 100 */
  readonly probeIntervalMs?: number;
  /** Turns the child's exit code and output into a better error, when it can (e.g. an old Java). */
  readonly explainExit?: (code: number | null, output: string) => string | undefined;
}

/** A started child process. */
export interface ManagedChild {
  readonly pid: number;
  /** The last lines the child printed (stdout and stderr), for error messages. */
  output(): string;
  /** Ends the child: SIGTERM, then SIGKILL after a grace period. Never rejects, never hangs. */
  stop(): Promise<void>;
}

/** Exit code the supervisor and launchers use when the command they were asked to run is missing. */
export const COMMAND_NOT_FOUND_EXIT_CODE = 127;

const OUTPUT_TAIL_CHARS = 4_000;
const TERM_GRACE_MS = 3_000;
const KILL_GRACE_MS = 2_000;

/** Children still running; killed synchronously when this process exits or is interrupted. */
const liveChildren = new Set<ChildProcess>();
let exitHooksInstalled = false;

/**
 * SIGTERM, not SIGKILL: our children are supervisors and launchers that pass it on to what they run
 * (a SIGKILLed supervisor would leave its JVM behind).
 */
const killAllSync = (): void => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGTERM');
    } catch {
      // Already gone: nothing to clean up.
    }
  }
  liveChildren.clear();
};

/**
 * Kills the children on exit and on SIGINT/SIGTERM/SIGHUP. A signal listener disables Node's default
 * "exit on signal", so when ours is the only listener the signal is raised again after cleanup: a
 * Ctrl-C still ends `npm start`, and a caller that handles the signal itself keeps control.
 */
const installExitHooks = (): void => {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllSync();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
};

/** A timer that does not keep the process alive: a stopped child must not hold up exit. */
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Spawns a child process and resolves once `isReady` says it answers. Rejects with a clear message if
 * the command is missing, the child exits first, or it is not ready in time (the child is then
 * killed). The child's stdin is a pipe that stays open: our launchers exit when it closes, which
 * happens even when this process is killed with SIGKILL and no exit hook runs.
 */
export const startManagedChild = async (options: ManagedChildOptions): Promise<ManagedChild> => {
  installExitHooks();
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };

  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // Writing to a closed stdin (child gone) must not crash this process.
  child.stdin?.on('error', () => undefined);

  let exited = false;
  let exitCode: number | null = null;
  let spawnError: NodeJS.ErrnoException | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      exitCode = code;
      liveChildren.delete(child);
      resolve();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
      exited = true;
      liveChildren.delete(child);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.stdin?.end();
    child.kill('SIGTERM');
    const termTimer = delay(TERM_GRACE_MS).then(() => 'timeout' as const);
    if ((await Promise.race([exitedPromise.then(() => 'exited' as const), termTimer])) === 'exited') return;
    child.kill('SIGKILL');
    await Promise.race([exitedPromise, delay(KILL_GRACE_MS)]);
    liveChildren.delete(child);
  };

  const failure = (): Error | undefined => {
    if (spawnError) {
      return new Error(spawnError.code === 'ENOENT' ? options.commandNotFoundMessage : `${options.name} could not be started: ${spawnError.message}`, {
        cause: spawnError,
      });
    }
    if (!exited) return undefined;
    if (exitCode === COMMAND_NOT_FOUND_EXIT_CODE) return new Error(options.commandNotFoundMessage);
    const explained = options.explainExit?.(exitCode, output);
    return new Error(explained ?? `${options.name} exited with code ${String(exitCode)} before it was ready. Its output:\n${output.trim()}`);
  };

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const error = failure();
    if (error) {
      await stop();
      throw error;
    }
    if (await options.isReady(output).catch(() => false)) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not ready within ${timeoutMs} ms. Its output:\n${output.trim()}`);
    }
    await Promise.race([delay(options.probeIntervalMs ?? 100), exitedPromise]);
  }

  return { pid: child.pid ?? -1, output: () => output, stop };
};
