/**
 * The one rule for what the functions log.
 *
 * May be logged: ids of resources (message, campaign, run, shard sequence numbers), counts, durations,
 * statuses and reasons, error names and codes, field paths and contract codes; and a user id, alone, to
 * trace one user's records (a pseudonymous key, never logged beside anything personal about the user).
 *
 * Never logged: phone numbers, push endpoint ARNs, IP addresses, event bodies or their properties,
 * message content, and error messages: an SDK error's message can quote the request it refused (an SNS
 * error names the phone number or endpoint, a DynamoDB validation error an attribute's value).
 */
// A type, not an interface: Powertools' Logger takes it as extra keys only with an implicit index signature.
export type LoggedError = {
  /** The error's name (`ConditionalCheckFailedException`, `ThrottlingException`, `TypeError`). */
  error: string;
  /** A machine code where the error has one (`ECONNRESET`, the HTTP status of an SDK error). */
  code?: string | number;
};

/** What of an error may go in a log line: its name and code, never its message. */
export const loggedError = (error: unknown): LoggedError => {
  if (!(error instanceof Error)) return { error: typeof error };
  const { code, $metadata } = error as { code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const machineCode = typeof code === 'string' || typeof code === 'number' ? code : $metadata?.httpStatusCode;
  return { error: error.name, ...(typeof machineCode === 'string' || typeof machineCode === 'number' ? { code: machineCode } : {}) };
};
