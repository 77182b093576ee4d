/** Counts the commands an SDK v3 client sends, by name (`PutItemCommand`, `PutRecordsCommand`…). */
export const countCommands = (client: { middlewareStack: { add: (mw: any, options: any) => void } }): Map<string, number> => {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
  return counts;
};

export const WRITE_COMMANDS = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;
