import { resourcesOfType, TemplateResolutionError, type CfnTemplate } from './cfn-template';

/** An EventBridge Scheduler schedule of the template that invokes one of its functions or state machines. */
export interface ResolvedSchedule {
  readonly logicalId: string;
  /** `rate(1 minute)`, `cron(0 2 * * ? *)`, … as the template gives it. */
  readonly expression: string;
  /** What the target starts: a function of the template (invoked) or a state machine (executed). */
  readonly target: { readonly kind: 'function' | 'stateMachine'; readonly logicalId: string };
  /** The period of a `rate(...)` expression in ms; undefined for `cron(...)` and `at(...)`. */
  readonly rateMs: number | undefined;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Every `AWS::Scheduler::Schedule` whose target is a function (`Fn::GetAtt [<function>, Arn]`) or a
 * state machine (`Ref`) of the template. A schedule targeting anything else (a queue, another
 * account) is not for the in-process runtime and is left out.
 */
export const resolveSchedules = (template: CfnTemplate): ResolvedSchedule[] =>
  resourcesOfType(template, 'AWS::Scheduler::Schedule').flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const expression = props.ScheduleExpression;
    if (typeof expression !== 'string') throw new TemplateResolutionError(`schedule ${logicalId} has no literal ScheduleExpression`);
    const arn = (props.Target as { Arn?: unknown } | undefined)?.Arn as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | undefined;
    const target = arn?.['Fn::GetAtt']?.[0] ?? arn?.Ref;
    const type = target ? template.Resources[target]?.Type : undefined;
    const kind = type === 'AWS::Lambda::Function' ? 'function' : type === 'AWS::StepFunctions::StateMachine' ? 'stateMachine' : undefined;
    if (!target || !kind) return [];
    return [{ logicalId, expression, target: { kind, logicalId: target }, rateMs: rateMsOf(expression) }];
  });

const rateMsOf = (expression: string): number | undefined => {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!.replace(/s$/, '')]!;
};
