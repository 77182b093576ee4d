import type { ResolvedApiMethod } from '../template/resolve-rest-apis';

/** A method matched to a request path, with the values of `{param}` segments. */
export interface RouteMatch {
  readonly method: ResolvedApiMethod;
  readonly pathParameters: Readonly<Record<string, string>> | null;
}

const segments = (path: string): string[] => path.split('/').filter((segment) => segment !== '');

/** Matches `/items/{id}` and greedy `/{proxy+}` against a request path. */
const matchPath = (template: string, path: string): Record<string, string> | undefined => {
  const expected = segments(template);
  const actual = segments(path);
  const parameters: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const part = expected[index] as string;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy?.[1]) {
      if (index >= actual.length) return undefined;
      parameters[greedy[1]] = actual.slice(index).map(decodeURIComponent).join('/');
      return parameters;
    }
    const value = actual[index];
    if (value === undefined) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part)?.[1];
    if (parameter) parameters[parameter] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return expected.length === actual.length ? parameters : undefined;
};

/**
 * The method for `httpMethod` and `path`: literal paths before parameterised ones, an exact method
 * before `ANY`, as API Gateway prefers the most specific route.
 */
export const matchRoute = (methods: readonly ResolvedApiMethod[], httpMethod: string, path: string): RouteMatch | undefined => {
  const specificity = (method: ResolvedApiMethod): number =>
    segments(method.resourcePath).filter((part) => !part.startsWith('{')).length * 2 + (method.httpMethod === 'ANY' ? 0 : 1);
  const candidates = methods
    .filter((method) => method.httpMethod === httpMethod || method.httpMethod === 'ANY')
    .map((method) => ({ method, parameters: matchPath(method.resourcePath, path) }))
    .filter((candidate) => candidate.parameters !== undefined)
    .sort((a, b) => specificity(b.method) - specificity(a.method));
  const best = candidates[0];
  if (!best?.parameters) return undefined;
  return { method: best.method, pathParameters: Object.keys(best.parameters).length > 0 ? best.parameters : null };
};
