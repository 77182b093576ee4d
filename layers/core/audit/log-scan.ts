/**
 * The quarterly audit's scan of a sample of logs for personal data. Functions log ids, counts and
 * reasons only (layers/runtime/log-safe.ts); this is the check that they still do. Each finding is a
 * count per kind and log source, never the matched text: the report must not copy what it found.
 */
export const PERSONAL_DATA_PATTERNS = {
  /** E.164 numbers, as apps send them (`+447700900123`). */
  'phone number': /(?<![\w.])\+[1-9]\d{7,14}\b/,
  /** SNS platform endpoints: they reach one device. */
  'push endpoint ARN': /arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:endpoint\//,
  /** A whole IPv4 address (ingest keeps the /24 prefix only, `203.0.113.0`, which this does not flag). */
  'IPv4 address': /\b(?:\d{1,3}\.){3}(?!0\b)\d{1,3}\b/,
  email: /[\w.+-]+@[\w-]+\.[\w.-]+/,
} as const;

export type PersonalDataKind = keyof typeof PERSONAL_DATA_PATTERNS;

/** One source's result: how many lines were read and what was found in them, by kind. */
export interface LogScanResult {
  readonly source: string;
  readonly lines: number;
  readonly findings: Partial<Record<PersonalDataKind, number>>;
}

export const scanLogLines = (source: string, lines: Iterable<string>): LogScanResult => {
  const findings: Partial<Record<PersonalDataKind, number>> = {};
  let count = 0;
  for (const line of lines) {
    count += 1;
    for (const [kind, pattern] of Object.entries(PERSONAL_DATA_PATTERNS) as [PersonalDataKind, RegExp][]) {
      if (pattern.test(line)) findings[kind] = (findings[kind] ?? 0) + 1;
    }
  }
  return { source, lines: count, findings };
};

/** Whether any source had a finding. */
export const hasFindings = (results: readonly LogScanResult[]): boolean => results.some((result) => Object.keys(result.findings).length > 0);
