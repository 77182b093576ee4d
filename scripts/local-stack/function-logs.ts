import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where npm start keeps the functions' log lines, as CloudWatch Logs keeps them in AWS. */
export const LOCAL_FUNCTION_LOG_FILE = '.local-stack/logs/functions.log';

const LOUD = new Set(['WARN', 'ERROR', 'CRITICAL']);

/**
 * Keeps every log line the functions write (Powertools' JSON lines on stdout and stderr) in `file`, and
 * lets only warnings and errors through to the terminal, which stays readable at INFO. The quarterly
 * audit scans this file for personal data as it scans CloudWatch Logs in AWS. Returns a function that
 * restores the streams.
 */
export const keepFunctionLogs = (file: string): (() => void) => {
  mkdirSync(dirname(file), { recursive: true });
  const restore = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const level = functionLogLevel(text);
      if (level === undefined) return write(chunk, ...(rest as []));
      appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
      return LOUD.has(level) ? write(chunk, ...(rest as [])) : true;
    }) as typeof stream.write;
    return () => void (stream.write = write as typeof stream.write);
  });
  return () => restore.forEach((undo) => undo());
};

/** The level of a Powertools log line (`{"level":"INFO",…,"service":…}`), or undefined for anything else. */
export const functionLogLevel = (text: string): string | undefined => {
  if (!text.startsWith('{"') || !text.includes('"service"')) return undefined;
  return /"level":"([A-Z]+)"/.exec(text)?.[1];
};
