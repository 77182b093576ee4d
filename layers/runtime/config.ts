/** A required environment variable is missing: the deployment (or the local stack) is wired wrong. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(readonly missing: string[]) {
    super(`missing environment variables: ${missing.join(', ')}`);
  }
}

export type Environment = Record<string, string | undefined>;

/**
 * Reads the named variables once, failing with every missing name at the same time rather than on the
 * first request that needs one.
 */
export const readEnvironment = <const Name extends string>(env: Environment, names: readonly Name[]): Record<Name, string> => {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new ConfigurationError(missing);
  return Object.fromEntries(names.map((name) => [name, env[name] as string])) as Record<Name, string>;
};
