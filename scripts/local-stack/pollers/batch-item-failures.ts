/** How Lambda reads a function's answer when `ReportBatchItemFailures` is on. */
export type BatchResponseVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIds: readonly string[] }
  /** Lambda then treats the whole batch as failed. */
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Lambda's rules: a null/empty response or an empty/null `batchItemFailures` list is a complete
 * success; an item identifier that is missing, empty, not a string or not in the batch makes the
 * whole batch a failure; otherwise the listed items failed.
 */
export const readBatchItemFailures = (response: unknown, batchIds: ReadonlySet<string>): BatchResponseVerdict => {
  if (response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) return { kind: 'invalid', reason: 'the response is not an object' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const failedIds: string[] = [];
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) {
      return { kind: 'invalid', reason: `itemIdentifier ${JSON.stringify(id)} is not an item of the batch` };
    }
    failedIds.push(id);
  }
  return { kind: 'partial', failedIds };
};
