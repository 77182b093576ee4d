import { ConditionalCheckFailedException, type AttributeValue, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { itemSize, writeUnitsFor } from './item-size';

type MiddlewareClient = { middlewareStack: { add: (mw: any, options: any) => void } };

/** Counts the commands an SDK v3 client sends, by name (`PutItemCommand`, `PutRecordsCommand`…). */
export const countCommands = (client: MiddlewareClient): Map<string, number> => {
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

/** What one table was billed for writes during a run. */
export interface TableWrites {
  /** Write requests by command name (`PutItem`, `DeleteItem`…), failed conditions included. */
  requests: Map<string, number>;
  /** Write units, indexes included. */
  units: number;
  /** Writes whose condition failed (billed all the same: the stored item's size, at least 1 unit). */
  failedConditions: number;
}

/** Writes by table name. `unmeasured` counts successful writes for which the emulator reported no capacity. */
export type WriteMeter = Map<string, TableWrites> & { unmeasured: number };

const SINGLE_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/**
 * Meters a DynamoDB client's writes in write units, as AWS bills them. Every write asks for
 * `ReturnConsumedCapacity: 'TOTAL'` (DynamoDB Local reports it for writes that succeed: 1 unit per started
 * KB of the larger of the item before and after, indexes included). A write whose condition fails is
 * billed too, but no service reports it: it is computed from the stored item, which the write asks back
 * with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` (size by DynamoDB's documented rules, at least 1 unit).
 * Works on a document client too (it shares its client's middleware stack).
 */
export const meterWrites = (client: MiddlewareClient): WriteMeter => {
  const meter = Object.assign(new Map<string, TableWrites>(), { unmeasured: 0 });
  const tableOf = (name: string): TableWrites => {
    const found = meter.get(name) ?? { requests: new Map(), units: 0, failedConditions: 0 };
    meter.set(name, found);
    return found;
  };
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => (args: { input: Record<string, unknown> }) => {
      const command = context.commandName ?? '';
      if (!WRITE_COMMANDS.test(command)) return next(args);
      const input = { ReturnConsumedCapacity: 'TOTAL', ...(SINGLE_WRITES.has(command) ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}), ...args.input };
      return next({ ...args, input });
    },
    { step: 'initialize', name: 'benchAskConsumedCapacity' },
  );
  client.middlewareStack.add(
    // At the build step the input is marshalled, and a failed condition's item still is.
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: Record<string, any> }) => {
      const command = context.commandName ?? '';
      if (!WRITE_COMMANDS.test(command)) return next(args);
      const name = command.replace(/Command$/, '');
      const tables: string[] = args.input.TableName ? [args.input.TableName] : Object.keys(args.input.RequestItems ?? {});
      for (const table of tables) {
        const requests = tableOf(table).requests;
        requests.set(name, (requests.get(name) ?? 0) + 1);
      }
      try {
        const result = await next(args);
        const consumed: ConsumedCapacity[] = [result.output?.ConsumedCapacity ?? []].flat();
        if (consumed.length === 0) meter.unmeasured++;
        for (const capacity of consumed) tableOf(capacity.TableName ?? tables[0] ?? '?').units += capacity.CapacityUnits ?? 0;
        return result;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException && tables[0]) {
          const written = tableOf(tables[0]);
          written.failedConditions++;
          const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
          written.units += stored ? writeUnitsFor(itemSize(stored)) : 1;
        }
        throw error;
      }
    },
    { step: 'build', name: 'benchWriteUnits' },
  );
  return meter;
};

/** Reads by table name: requests and read units as AWS bills them. */
export type ReadMeter = Map<string, { requests: number; units: number; emulatorUnits: number }>;

const READ_COMMANDS = /^(Query|GetItem|Scan)Command$/;

/**
 * Meters a DynamoDB client's Query, GetItem and Scan in read units, by DynamoDB's documented rules: the
 * items read, summed (Query, Scan) or alone (GetItem), rounded up to 4 KB, one unit per 4 KB strongly
 * consistent, half eventually consistent. Computed from the items returned (no filter expressions are
 * metered here), beside what the emulator reports when it does (`emulatorUnits`).
 */
export const meterReads = (client: MiddlewareClient): ReadMeter => {
  const meter: ReadMeter = new Map();
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: Record<string, any> }) => {
      if (!READ_COMMANDS.test(context.commandName ?? '')) return next(args);
      const result = await next({ ...args, input: { ReturnConsumedCapacity: 'TOTAL', ...args.input } });
      const items: Record<string, unknown>[] = result.output?.Items ?? (result.output?.Item ? [result.output.Item] : []);
      const bytes = items.reduce((sum, item) => sum + itemSize(asAttributeMap(item)), 0);
      const units = Math.max(1, Math.ceil(bytes / 4096)) * (args.input.ConsistentRead ? 1 : 0.5);
      const table = meter.get(args.input.TableName) ?? { requests: 0, units: 0, emulatorUnits: 0 };
      table.requests++;
      table.units += units;
      table.emulatorUnits += result.output?.ConsumedCapacity?.CapacityUnits ?? 0;
      meter.set(args.input.TableName, table);
      return result;
    },
    { step: 'build', name: 'benchReadUnits' },
  );
  return meter;
};

const ATTRIBUTE_TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']);

/** A document client hands this middleware items already unmarshalled: marshal them back to size them. */
const asAttributeMap = (item: Record<string, unknown>): Record<string, AttributeValue> => {
  const marshalled = Object.values(item).every((value) => typeof value === 'object' && value !== null && Object.keys(value).length === 1 && ATTRIBUTE_TYPES.has(Object.keys(value)[0]!));
  return marshalled ? (item as Record<string, AttributeValue>) : marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
};
