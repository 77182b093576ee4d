/**
 * Each function's configuration is one schema (layers/runtime/function-configs.ts): the environment
 * variables it reads, each with its rule and default. The same schema checks the values the CDK app
 * sets when it synthesizes (infra/create-function.ts), so a bad value fails `cdk synth`, and parses the
 * environment once at cold start, so the handler gets typed values.
 */
export type Environment = Record<string, string | undefined>;

/** What is wrong with one variable. */
export interface ConfigurationProblem {
  variable: string;
  reason: string;
}

/** The configuration of a function is wrong: every bad variable at once, each with its reason. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly problems: readonly ConfigurationProblem[],
    /** The function, where the CDK app found the problems at synth. */
    readonly of?: string,
  ) {
    super(`invalid configuration${of ? ` of ${of}` : ''}: ${problems.map(({ variable, reason }) => `${variable} ${reason}`).join('; ')}`);
  }
}

/** A variable's rule: its value from the raw string (`undefined` when unset or blank), or a throw saying why not. */
export interface Variable<T> {
  readonly parse: (raw: string | undefined) => T;
}

export type Schema = Record<string, Variable<unknown>>;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: ReturnType<S[K]['parse']> };
/** What the CDK app sets: only names of the schema, as strings (tokens included). */
export type EnvironmentOf<S extends Schema> = { readonly [K in keyof S]?: string };

export interface FunctionConfig<S extends Schema> {
  readonly schema: S;
  /** At cold start: every variable parsed, or a ConfigurationError naming each bad one. */
  parse(env: Environment): ConfigOf<S>;
  /**
   * At synth: the problems of the values the CDK app sets, skipping those not known until deployment
   * (`isDeferred`: CloudFormation tokens), plus any variable the schema does not have.
   */
  problems(env: Readonly<Record<string, string | undefined>>, isDeferred: (value: string) => boolean): ConfigurationProblem[];
}

export const defineConfig = <S extends Schema>(schema: S): FunctionConfig<S> => ({
  schema,
  parse(env) {
    const values: Record<string, unknown> = {};
    const problems: ConfigurationProblem[] = [];
    for (const [variable, rule] of Object.entries(schema)) {
      try {
        values[variable] = rule.parse(blankAsUnset(env[variable]));
      } catch (error) {
        problems.push({ variable, reason: reasonOf(variable, error) });
      }
    }
    if (problems.length > 0) throw new ConfigurationError(problems);
    return values as ConfigOf<S>;
  },
  problems(env, isDeferred) {
    const unknown = Object.keys(env)
      .filter((variable) => !(variable in schema))
      .map((variable) => ({ variable, reason: 'is not a variable of this function' }));
    const known = Object.entries(schema).flatMap(([variable, rule]) => {
      const raw = env[variable];
      if (raw !== undefined && isDeferred(raw)) return [];
      try {
        rule.parse(blankAsUnset(raw));
        return [];
      } catch (error) {
        return [{ variable, reason: reasonOf(variable, error) }];
      }
    });
    return [...unknown, ...known];
  },
});

const blankAsUnset = (raw: string | undefined): string | undefined => (raw === undefined || raw.trim() === '' ? undefined : raw.trim());

/** The rule's message without the variable's name where a domain reader already put it first. */
const reasonOf = (variable: string, error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${variable}: `) ? message.slice(variable.length + 2) : message;
};

/** A rule's complaint about a value; the variable's name is added by the schema. */
export class VariableInvalidError extends Error {
  override readonly name = 'VariableInvalidError';
}

const fail = (reason: string): never => {
  throw new VariableInvalidError(reason);
};

/** A name, URL or ARN of a resource the CDK app wires in: required. */
export const resource = (): Variable<string> => ({ parse: (raw) => raw ?? fail('is required (the resource the function uses)') });

/** A string that may be unset. */
export const optionalText = (): Variable<string | undefined> => ({ parse: (raw) => raw });

/** A whole number from `min` (default 0) to `max`, `fallback` when unset. */
export const wholeNumber = ({ fallback, min = 0, max = Number.MAX_SAFE_INTEGER }: { fallback: number; min?: number; max?: number }): Variable<number> => ({
  parse: (raw) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    return /^\d+$/.test(raw) && Number.isSafeInteger(value) && value >= min && value <= max ? value : fail(`must be a whole number from ${min} to ${max}, got "${raw}"`);
  },
});

/** A decimal number from `min` to `max`, `fallback` when unset. */
export const decimal = ({ fallback, min, max }: { fallback: number; min: number; max: number }): Variable<number> => ({
  parse: (raw) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    return Number.isFinite(value) && value >= min && value <= max ? value : fail(`must be a number from ${min} to ${max}, got "${raw}"`);
  },
});

/** A value read by a domain parser (quiet hours, a blend…), whose error message says what is wrong. */
export const parsedBy = <T>(parse: (raw: string | undefined) => T): Variable<T> => ({ parse });
