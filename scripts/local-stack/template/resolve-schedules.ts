import { resourcesOfType, TemplateResolutionError, type CfnTemplate } from './cfn-template';

/** An EventBridge Scheduler schedule of the template that invokes one of its functions. */
export interface ResolvedSchedule {
  readonly logicalId: string;
  /** `rate(1 minute)`, `cron(0 2 * * ? *)`, … as the template gives it. */
  readonly expression: string;
  /** The logical ID of the function the target invokes. */
  readonly functionLogicalId: string;
  /** The period of a `rate(...)` expression in ms; undefined for `cron(...)` and `at(...)`. */
  readonly rateMs: number | undefined;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Every `AWS::Scheduler::Schedule` whose target is a function of the template (`Fn::GetAtt
 * [<function>, Arn]`). A schedule targeting anything else (a state machine, a queue) is not for the
 * in-process runtime and is left out.
 */
export const resolveSchedules = (template: CfnTemplate): ResolvedSchedule[] =>
  resourcesOfType(template, 'AWS::Scheduler::Schedule').flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const expression = props.ScheduleExpression;
    if (typeof expression !== 'string') throw new TemplateResolutionError(`schedule ${logicalId} has no literal ScheduleExpression`);
    const arn = (props.Target as { Arn?: unknown } | undefined)?.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const target = arn?.['Fn::GetAtt']?.[0];
    if (!target || template.Resources[target]?.Type !== 'AWS::Lambda::Function') return [];
    return [{ logicalId, expression, functionLogicalId: target, rateMs: rateMsOf(expression) }];
  });

const rateMsOf = (expression: string): number | undefined => {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!.replace(/s$/, '')]!;
};
