import { StateMachine } from 'aws-local-stepfunctions';
import { dataRequestStep, type DataRequestDependencies, type DataRequestStep } from '../../../functions/compliance/data-request-step';
import type { DataRequestReceipt } from '../../../layers/core/compliance/request-receipt';
import type { StoreExport, SubjectStore, SubjectStoreName } from '../../../layers/core/compliance/subject-stores';
import { SUBJECT_TABLES } from '../../../layers/core/compliance/subject-stores';
import { synthPipeline } from '../../infra/synth-pipeline';
import { stateMachineDefinition } from '../../helpers/state-machine-definition';
import { PERSONALIZE_CONTEXT } from '../../helpers/personalize-context';
import { TEST_YEAR } from '../../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-12-01T09:00:00.000Z`);
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:data-request';
const ALERTS_ARN = 'arn:aws:sns:us-east-1:000000000000:Alerts';
const PERSONALIZE = PERSONALIZE_CONTEXT;

// The DataRequest definition CDK synthesizes, with Personalize configured.
const definition = stateMachineDefinition(synthPipeline({ context: PERSONALIZE }).template, 'DataRequest', (token) => (JSON.stringify(token).includes('Alerts') ? ALERTS_ARN : FUNCTION_ARN)) as {
  States: Record<string, unknown>;
};

/** Every Task, Wait and retry without waiting: the states are what is tested here, not the clock. */
const noWaits = (states: Record<string, any>, waits: Record<string, number> = {}): Record<string, number> => {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait' || state.Retry) waits[name] = 0;
    for (const inner of [...(state.Branches ?? []), ...(state.ItemProcessor ? [state.ItemProcessor] : [])]) noWaits(inner.States, waits);
  }
  return waits;
};

/**
 * The DataRequest state machine exactly as synthesized, executed by aws-local-stepfunctions with the
 * real step logic over in-memory stores: the order of sweeps, the Map over the archive's days,
 * Personalize's polling, the receipt, and the alert and failure when a store keeps failing.
 */
describe('the DataRequest workflow, executed from the synthesized definition', () => {
  const deployment = (options: { failing?: SubjectStoreName } = {}) => {
    const erased: string[] = [];
    const ids: string[] = [];
    const fake = (name: SubjectStoreName): SubjectStore => ({
      name,
      export: async () => ({ store: name, items: [{ from: name }] }),
      erase: async (id) => {
        if (name === options.failing) throw new Error('ProvisionedThroughputExceeded');
        erased.push(name);
        ids.push(`${name}:${id}`);
        return 1;
      },
    });
    const polls: string[] = [];
    const receipts: DataRequestReceipt[] = [];
    const parts: StoreExport[] = [];
    const deps: DataRequestDependencies = {
      stores: new Map([...SUBJECT_TABLES, 'models', 'exports'].map((name) => [name as SubjectStoreName & ('models' | 'exports'), fake(name as SubjectStoreName)])),
      partitions: async () => [
        { store: 'archive', prefix: `archive/${TEST_YEAR}/11/30/` },
        { store: 'archive', prefix: `archive/${TEST_YEAR}/12/01/` },
        { store: 'decisions', prefix: `decisions/${TEST_YEAR}/12/01/` },
      ],
      lines: (partition) => fake(partition.store),
      personalize: {
        start: async () => 'arn:aws:personalize:us-east-1:000000000000:data-deletion-job/erase-1',
        status: async (jobArn) => {
          polls.push(jobArn);
          return polls.length < 2 ? { status: 'IN_PROGRESS' } : { status: 'COMPLETED', deleted: 12 };
        },
        cleanUp: async () => undefined,
      },
      files: {
        savePart: async (_id, _name, part) => void parts.push(part),
        assembleExport: async (requestId) => `exports/${requestId}.json`,
        saveReceipt: async (receipt) => void receipts.push(receipt),
      },
      now: () => NOW,
    };
    const alerts: unknown[] = [];
    const run = (kind: 'export' | 'erase', aliases: string[] = []) =>
      new StateMachine(definition as never, { validationOptions: { checkArn: false } }).run({ kind, userId: 'ann-1', requestedBy: 'arn:aws:iam::000000000000:user/dpo', aliases } as never, {
        context: { Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:DataRequest:req-1', Name: 'req-1', StartTime: NOW.toISOString() } },
        overrides: {
          taskResourceLocalHandlers: {
            ...Object.fromEntries(taskStates(definition.States).map((name) => [name, (input: DataRequestStep) => dataRequestStep(input, deps)])),
            AlertDataRequestFailed: async (message: unknown) => void alerts.push(message),
          } as never,
          waitTimeOverrides: noWaits(definition.States),
          retryIntervalOverrides: noWaits(definition.States),
        },
      }).result;
    return { run, erased, ids, polls, receipts, parts, alerts };
  };

  it('erases in every store twice (the second sweep after the wait), waits for Personalize, and ends with the receipt', async () => {
    // Prepare
    const { run, erased, polls, receipts } = deployment();

    // Act
    const output = (await run('erase')) as unknown as DataRequestReceipt;

    // Assess
    expect(output).toEqual(receipts[0]);
    expect(output).toMatchObject({ requestId: 'req-1', kind: 'erase', status: 'succeeded', sweeps: 2, requestedBy: 'arn:aws:iam::000000000000:user/dpo' });
    // $$.Execution.StartTime: the time Step Functions started the execution.
    expect(Date.parse(output.requestedAt)).not.toBeNaN();
    expect(Object.fromEntries(output.stores.map(({ store, outcome, items }) => [store, [outcome, items]]))).toEqual({
      profiles: ['erased', 2],
      consents: ['erased', 2],
      messages: ['erased', 2],
      timers: ['erased', 2],
      experiments: ['erased', 2],
      kpis: ['erased', 2],
      inbox: ['erased', 2],
      archive: ['erased', 4],
      decisions: ['erased', 2],
      'personalize-exports': ['erased', 0],
      models: ['erased', 1],
      exports: ['erased', 1],
      personalize: ['erased', 12],
    });
    expect(erased.filter((store) => store === 'profiles')).toHaveLength(2);
    expect(polls).toHaveLength(2);
    expect(JSON.stringify(output)).not.toContain('ann-1');
  });

  it('erases the anonymous profiles the user absorbed too: by key in the tables, by raw id in the lines', async () => {
    // Prepare
    const { run, ids } = deployment();

    // Act
    await run('erase', ['anonymous:device-9']);

    // Assess
    expect(ids).toEqual(expect.arrayContaining(['profiles:ann-1', 'profiles:anonymous:device-9', 'consents:anonymous:device-9', 'archive:ann-1', 'archive:device-9']));
    expect(ids).not.toContain('archive:anonymous:device-9');
  });

  it('exports a part per store and assembles them, without asking Personalize to delete anything', async () => {
    // Prepare
    const { run, parts, polls } = deployment();

    // Act
    const output = (await run('export')) as unknown as DataRequestReceipt;

    // Assess
    expect(output).toMatchObject({ kind: 'export', status: 'succeeded', exportKey: 'exports/req-1.json' });
    expect(output.sweeps).toBeUndefined();
    expect(new Set(parts.map((part) => part.store))).toEqual(new Set([...SUBJECT_TABLES, 'models', 'exports', 'archive', 'decisions', 'personalize']));
    expect(polls).toHaveLength(0);
  });

  it('records a store that keeps failing in the receipt, alerts without naming the user, and fails the execution', async () => {
    // Prepare
    const { run, receipts, alerts, erased } = deployment({ failing: 'timers' });

    // Act
    const execution = run('erase');

    // Assess
    await expect(execution).rejects.toMatchObject({ cause: expect.objectContaining({ name: 'DataRequestFailed' }) });
    expect(receipts[0]).toMatchObject({ status: 'failed' });
    expect(receipts[0]!.stores.find((store) => store.store === 'timers')).toEqual({ store: 'timers', outcome: 'failed', detail: 'Error' });
    expect(erased.filter((store) => store === 'profiles')).toHaveLength(2);
    expect(alerts).toEqual([expect.objectContaining({ TopicArn: ALERTS_ARN, Message: expect.objectContaining({ requestId: 'req-1', kind: 'erase' }) })]);
    expect(JSON.stringify(alerts)).not.toContain('ann-1');
  });
});

/** The Task states that run the data-request function (everything but the SNS alert), at any depth. */
const taskStates = (states: Record<string, any>): string[] =>
  Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' && name !== 'AlertDataRequestFailed' ? [name] : []),
    ...[...(state.Branches ?? []), ...(state.ItemProcessor ? [state.ItemProcessor] : [])].flatMap((inner: { States: Record<string, any> }) => taskStates(inner.States)),
  ]);
