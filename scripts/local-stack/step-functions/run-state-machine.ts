import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { StateMachine } from 'aws-local-stepfunctions';
import { resolveIntrinsics } from '../template/intrinsics';
import { resourcesOfType, TemplateResolutionError, type CfnTemplate, type ProvisionedStack } from '../template/cfn-template';

/** A state machine of the template with its definition resolved against the local resources. */
export interface ResolvedStateMachine {
  readonly logicalId: string;
  readonly definition: Record<string, unknown>;
}

/** Every `AWS::StepFunctions::StateMachine`, its definition's ARNs pointing at the local functions and topics. */
export const resolveStateMachines = (template: CfnTemplate, stack: ProvisionedStack): ResolvedStateMachine[] =>
  resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const context = { template, resources: stack.resources, pseudoParameters: stack.pseudoParameters };
    const text = resolveIntrinsics(resource.Properties?.DefinitionString, context, `state machine ${logicalId}, DefinitionString`);
    if (typeof text !== 'string') throw new TemplateResolutionError(`state machine ${logicalId} has no definition string`);
    return { logicalId, definition: JSON.parse(text) as Record<string, unknown> };
  });

/** How the local runtime does what a Task state's resource would do in AWS. */
export interface LocalTaskTargets {
  /** In-process functions by ARN (a Task whose Resource is a function ARN invokes it with its input). */
  readonly functions: ReadonlyMap<string, (input: unknown) => Promise<unknown>>;
  /** For `arn:aws:states:::sns:publish`. */
  readonly sns: SNSClient;
}

/** Options of {@link runStateMachine}. */
export interface RunStateMachineOptions {
  /** Every Wait state and retry interval takes this many ms instead of its own time (0 in tests, on a virtual clock). */
  readonly waitMs?: number;
  /** `$$.Execution` of the context object. */
  readonly execution: { readonly id: string; readonly name: string; readonly startTime: string };
}

const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/**
 * Executes a state machine of the template with aws-local-stepfunctions, its Task states mapped to the
 * in-process functions and the local SNS. A Task with any other resource fails the run, naming it,
 * rather than call AWS. Resolves with the output; rejects with the execution's error.
 */
export const runStateMachine = async (machine: ResolvedStateMachine, targets: LocalTaskTargets, options: RunStateMachineOptions, input: unknown = {}): Promise<unknown> => {
  const handlers: Record<string, (input: never) => Promise<unknown>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  for (const [name, state] of statesOf(machine.definition)) {
    if (state.Type === 'Wait' && options.waitMs !== undefined) waits[name] = options.waitMs;
    // Retry intervals are waits too: on a test's clock they take no time either.
    if (state.Retry && options.waitMs !== undefined) retries[name] = options.waitMs;
    if (state.Type !== 'Task') continue;
    const resource = String(state.Resource);
    const fn = targets.functions.get(resource);
    if (fn) handlers[name] = fn as never;
    else if (resource === SNS_PUBLISH) handlers[name] = (async (params: { TopicArn: string; Message: unknown; Subject?: string }) => {
      const { MessageId } = await targets.sns.send(
        new PublishCommand({ TopicArn: params.TopicArn, Message: typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message), Subject: params.Subject }),
      );
      return { MessageId };
    }) as never;
    else throw new TemplateResolutionError(`state machine ${machine.logicalId}, state ${name}: the local stack cannot run resource ${resource}`);
  }
  const { result } = new StateMachine(withoutUnreachableTimeout(machine.definition) as never, { validationOptions: { checkArn: false } }).run(input as never, {
    context: { Execution: { Id: options.execution.id, Name: options.execution.name, StartTime: options.execution.startTime } },
    overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: waits, retryIntervalOverrides: retries },
  });
  return result;
};

/** Node's timers hold at most 2^31 − 1 ms (24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The definition without an execution timeout longer than Node can time (the Rollout machine's 90 days):
 * aws-local-stepfunctions arms it with setTimeout, which would fail the execution immediately. Local
 * executions run in minutes, so dropping it loses nothing.
 */
const withoutUnreachableTimeout = (definition: Record<string, unknown>): Record<string, unknown> => {
  if (typeof definition.TimeoutSeconds !== 'number' || definition.TimeoutSeconds * 1000 <= MAX_TIMER_MS) return definition;
  const { TimeoutSeconds: _dropped, ...rest } = definition;
  return rest;
};

type State = { Type?: string; Resource?: unknown; Retry?: unknown[]; Branches?: { States: Record<string, State> }[]; Iterator?: { States: Record<string, State> }; ItemProcessor?: { States: Record<string, State> } };

/** Every state, including those inside Parallel branches and Map iterators. */
const statesOf = (definition: { States?: Record<string, State> }): [string, State][] =>
  Object.entries(definition.States ?? {}).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...[...(state.Branches ?? []), ...(state.Iterator ? [state.Iterator] : []), ...(state.ItemProcessor ? [state.ItemProcessor] : [])].flatMap((inner) => statesOf(inner)),
  ]);
