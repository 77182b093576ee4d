/**
 * `npm run audit -- quarterly`: the quarterly security audit report. Built by its own change
 * (scripts/audit/quarterly*.ts); this module is the dispatch seam scripts/audit.ts calls, and that
 * change replaces it.
 */
export const runQuarterly = async (_argv: readonly string[]): Promise<number> => {
  throw new Error('npm run audit -- quarterly is not built in this branch');
};
