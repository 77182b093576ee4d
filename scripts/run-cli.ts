/**
 * Runs a command-line tool's core and ends the process: its lines on stdout and its exit code, or the
 * error's message (never a stack) on stderr with exit code 1.
 */
export const runCli = (run: () => Promise<{ lines: readonly string[]; exitCode: number }>): void => {
  run()
    .then(({ lines, exitCode }) => {
      for (const line of lines) console.log(line);
      process.exit(exitCode);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
};
