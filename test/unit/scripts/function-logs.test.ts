import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionLogLevel, keepFunctionLogs } from '../../../scripts/local-stack/function-logs';

describe('keepFunctionLogs', () => {
  it('recognises Powertools lines and nothing else', () => {
    expect(functionLogLevel('{"level":"INFO","message":"batch","service":"ingest"}\n')).toBe('INFO');
    expect(functionLogLevel('sent: related-products to user-42\n')).toBeUndefined();
    expect(functionLogLevel('{"accepted":1}\n')).toBeUndefined();
  });

  it('keeps every function line in the file and lets only warnings and errors through', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'function-logs-')), 'logs', 'functions.log');
    const seen: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => seen.push(chunk) > 0) as typeof process.stdout.write;
    const restore = keepFunctionLogs(file);
    try {
      process.stdout.write('{"level":"INFO","message":"a","service":"deliver"}\n');
      process.stdout.write('{"level":"ERROR","message":"b","service":"deliver"}\n');
      process.stdout.write('narrative line\n');
    } finally {
      restore();
      process.stdout.write = original;
    }
    expect(readFileSync(file, 'utf8')).toBe('{"level":"INFO","message":"a","service":"deliver"}\n{"level":"ERROR","message":"b","service":"deliver"}\n');
    expect(seen).toEqual(['{"level":"ERROR","message":"b","service":"deliver"}\n', 'narrative line\n']);
  });
});
