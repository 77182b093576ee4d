import { resourcesOfType, TemplateResolutionError, type CfnResource, type CfnTemplate } from './cfn-template';
import { referencedLogicalIds } from './intrinsics';

/** A JSON Schema of an API Gateway model (draft-04, as API Gateway takes it). */
export type ModelSchema = Readonly<Record<string, unknown>>;

/** A request model: what the body of one content type must look like. */
export interface ResolvedModel {
  readonly logicalId: string | undefined;
  readonly name: string;
  readonly schema: ModelSchema;
}

/** The backend of a method. */
export interface ResolvedIntegration {
  /** `AWS_PROXY`, `MOCK`, `HTTP_PROXY`... */
  readonly type: string;
  /** The Lambda function of an `AWS_PROXY`/`AWS` integration. */
  readonly functionLogicalId?: string;
  /** For `MOCK`: the status code and templates of its first integration response. */
  readonly mockResponse?: { readonly statusCode: number; readonly headers: Readonly<Record<string, string>>; readonly body: string };
}

/** A Lambda authorizer (`AWS::ApiGateway::Authorizer`, `REQUEST` or `TOKEN`) of a `CUSTOM` method. */
export interface ResolvedAuthorizer {
  readonly logicalId: string;
  readonly type: 'REQUEST' | 'TOKEN';
  readonly functionLogicalId: string;
  /** `method.request.header.Authorization`, `method.request.querystring.x`…; its values key the cache. */
  readonly identitySources: readonly string[];
  /** 0: every request calls the function. */
  readonly resultTtlSeconds: number;
}

/** One `AWS::ApiGateway::Method`. */
export interface ResolvedApiMethod {
  readonly logicalId: string;
  /** `POST`, `GET`... or `ANY`. */
  readonly httpMethod: string;
  /** The full resource path, e.g. `/v1/events` or `/items/{id}`; `/` for the root. */
  readonly resourcePath: string;
  readonly apiKeyRequired: boolean;
  /** `NONE`, `AWS_IAM`, `CUSTOM`… as the method's `AuthorizationType`. */
  readonly authorizationType: string;
  /** The Lambda authorizer of a `CUSTOM` method. */
  readonly authorizer?: ResolvedAuthorizer;
  /** By content type (`application/json`). */
  readonly requestModels: Readonly<Record<string, ResolvedModel>>;
  /** Only with a request validator that validates bodies does API Gateway check the model. */
  readonly validateRequestBody: boolean;
  readonly integration: ResolvedIntegration;
}

/** An `AWS::ApiGateway::GatewayResponse`: how API Gateway renders one kind of error. */
export interface GatewayResponseDefinition {
  readonly responseType: string;
  /** Absent: the status of the error it renders. */
  readonly statusCode?: number;
  /** By content type; `$context` variables are substituted. */
  readonly responseTemplates: Readonly<Record<string, string>>;
  /** `gatewayresponse.header.X` → quoted literal (`'value'`). */
  readonly responseParameters: Readonly<Record<string, string>>;
}

/** Requests per second and burst of a usage plan, per API key. */
export interface ThrottleSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** An `AWS::ApiGateway::ApiKey` tied to the API (its value, if the template sets one). */
export interface ResolvedApiKey {
  readonly logicalId: string;
  readonly value?: string;
  readonly enabled: boolean;
}

/** A REST API as the local HTTP endpoint serves it. */
export interface ResolvedRestApi {
  readonly logicalId: string;
  readonly name: string;
  /** The deployed stage (`live`); requests may include it as the first path segment. */
  readonly stageName?: string;
  readonly methods: readonly ResolvedApiMethod[];
  /** By response type (`BAD_REQUEST_BODY`, `INVALID_API_KEY`, `DEFAULT_4XX`...). */
  readonly gatewayResponses: Readonly<Record<string, GatewayResponseDefinition>>;
  /** The usage plan throttle of this API (the first plan that names it), if any. */
  readonly throttle?: ThrottleSettings;
  readonly apiKeys: readonly ResolvedApiKey[];
}

/** The logical ID a `{ Ref }` or `{ Fn::GetAtt: [id, ...] }` points at. */
const targetOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
};

const isRootReference = (value: unknown): boolean => {
  const getAtt = (value as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  return (Array.isArray(getAtt) && getAtt[1] === 'RootResourceId') || (typeof getAtt === 'string' && getAtt.endsWith('.RootResourceId'));
};

const belongsTo = (resource: CfnResource, apiId: string): boolean => targetOf(resource.Properties?.RestApiId) === apiId;

/**
 * Every `AWS::ApiGateway::RestApi` of the template with what the local endpoint needs: methods with
 * their full paths (PathPart walked up through ParentId to the root), API key requirement, request
 * models and validators, integration functions; the usage plan throttle; gateway responses; API keys.
 */
export const resolveRestApis = (template: CfnTemplate): ResolvedRestApi[] =>
  resourcesOfType(template, 'AWS::ApiGateway::RestApi').map(([apiId, api]) => {
    const resources = template.Resources;
    const ofApi = (type: string) => resourcesOfType(template, type).filter(([, resource]) => belongsTo(resource, apiId));

    const pathOf = (resourceRef: unknown, seen: Set<string> = new Set()): string => {
      if (isRootReference(resourceRef)) return '/';
      const id = targetOf(resourceRef);
      const resource = id ? resources[id] : undefined;
      if (!id || resource?.Type !== 'AWS::ApiGateway::Resource' || seen.has(id)) {
        throw new TemplateResolutionError(`REST API ${apiId}: cannot resolve resource ${JSON.stringify(resourceRef)}`);
      }
      seen.add(id);
      const parent = pathOf(resource.Properties?.ParentId, seen);
      return `${parent === '/' ? '' : parent}/${String(resource.Properties?.PathPart)}`;
    };

    const models = ofApi('AWS::ApiGateway::Model');
    const modelFor = (ref: unknown): ResolvedModel | undefined => {
      const byRef = targetOf(ref);
      const found = models.find(([id, model]) => id === byRef || model.Properties?.Name === ref);
      if (!found) return undefined;
      const [logicalId, model] = found;
      return { logicalId, name: String(model.Properties?.Name ?? logicalId), schema: (model.Properties?.Schema ?? {}) as ModelSchema };
    };

    const methods = ofApi('AWS::ApiGateway::Method').map(([logicalId, method]): ResolvedApiMethod => {
      const props = method.Properties ?? {};
      const requestModels: Record<string, ResolvedModel> = {};
      for (const [contentType, ref] of Object.entries((props.RequestModels as Record<string, unknown> | undefined) ?? {})) {
        const model = modelFor(ref);
        if (model) requestModels[contentType.toLowerCase()] = model;
      }
      const authorizer = props.AuthorizationType === 'CUSTOM' ? resolveAuthorizer(template, targetOf(props.AuthorizerId)) : undefined;
      const validatorId = targetOf(props.RequestValidatorId);
      const validator = validatorId ? resources[validatorId] : undefined;
      return {
        logicalId,
        httpMethod: String(props.HttpMethod).toUpperCase(),
        resourcePath: pathOf(props.ResourceId),
        apiKeyRequired: props.ApiKeyRequired === true || props.ApiKeyRequired === 'true',
        authorizationType: typeof props.AuthorizationType === 'string' ? props.AuthorizationType : 'NONE',
        ...(authorizer && { authorizer }),
        requestModels,
        validateRequestBody: validator?.Properties?.ValidateRequestBody === true || validator?.Properties?.ValidateRequestBody === 'true',
        integration: resolveIntegration(template, props.Integration as Record<string, unknown> | undefined),
      };
    });

    const gatewayResponses: Record<string, GatewayResponseDefinition> = {};
    for (const [, response] of ofApi('AWS::ApiGateway::GatewayResponse')) {
      const props = response.Properties ?? {};
      const responseType = String(props.ResponseType);
      gatewayResponses[responseType] = {
        responseType,
        ...(props.StatusCode !== undefined && { statusCode: Number(props.StatusCode) }),
        responseTemplates: (props.ResponseTemplates as Record<string, string> | undefined) ?? {},
        responseParameters: (props.ResponseParameters as Record<string, string> | undefined) ?? {},
      };
    }

    const plans = resourcesOfType(template, 'AWS::ApiGateway::UsagePlan').filter(([, plan]) =>
      ((plan.Properties?.ApiStages as { ApiId?: unknown }[] | undefined) ?? []).some((stage) => targetOf(stage.ApiId) === apiId),
    );
    const planThrottle = plans
      .map(([, plan]) => plan.Properties?.Throttle as { RateLimit?: unknown; BurstLimit?: unknown } | undefined)
      .find((throttle) => throttle?.RateLimit !== undefined || throttle?.BurstLimit !== undefined);

    const planIds = new Set(plans.map(([id]) => id));
    const keyIdsOfPlans = new Set(
      resourcesOfType(template, 'AWS::ApiGateway::UsagePlanKey')
        .filter(([, planKey]) => planIds.has(targetOf(planKey.Properties?.UsagePlanId) ?? ''))
        .map(([, planKey]) => targetOf(planKey.Properties?.KeyId)),
    );
    const apiKeys = resourcesOfType(template, 'AWS::ApiGateway::ApiKey')
      .filter(
        ([id, key]) =>
          keyIdsOfPlans.has(id) || ((key.Properties?.StageKeys as { RestApiId?: unknown }[] | undefined) ?? []).some((stageKey) => targetOf(stageKey.RestApiId) === apiId),
      )
      .map(([logicalId, key]): ResolvedApiKey => ({
        logicalId,
        ...(typeof key.Properties?.Value === 'string' && { value: key.Properties.Value }),
        enabled: key.Properties?.Enabled !== false && key.Properties?.Enabled !== 'false',
      }));

    const stage = ofApi('AWS::ApiGateway::Stage')[0]?.[1].Properties?.StageName ?? ofApi('AWS::ApiGateway::Deployment')[0]?.[1].Properties?.StageName;
    return {
      logicalId: apiId,
      name: String(api.Properties?.Name ?? apiId),
      ...(typeof stage === 'string' && { stageName: stage }),
      methods,
      gatewayResponses,
      ...(planThrottle && {
        throttle: { rateLimit: Number(planThrottle.RateLimit ?? planThrottle.BurstLimit), burstLimit: Number(planThrottle.BurstLimit ?? planThrottle.RateLimit) },
      }),
      apiKeys,
    };
  });

const resolveAuthorizer = (template: CfnTemplate, logicalId: string | undefined): ResolvedAuthorizer => {
  const props = logicalId ? template.Resources[logicalId]?.Properties : undefined;
  const functionLogicalId = [...referencedLogicalIds(props?.AuthorizerUri)].find((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function');
  if (!logicalId || !props || !functionLogicalId) throw new TemplateResolutionError(`authorizer ${String(logicalId)}: not a Lambda authorizer of this template`);
  return {
    logicalId,
    type: props.Type === 'TOKEN' ? 'TOKEN' : 'REQUEST',
    functionLogicalId,
    identitySources: String(props.IdentitySource ?? '')
      .split(',')
      .map((source) => source.trim())
      .filter(Boolean),
    resultTtlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 300),
  };
};

const resolveIntegration = (template: CfnTemplate, integration: Record<string, unknown> | undefined): ResolvedIntegration => {
  const type = String(integration?.Type ?? 'MOCK');
  if (type === 'AWS_PROXY' || type === 'AWS') {
    const functionLogicalId = [...referencedLogicalIds(integration?.Uri)].find((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function');
    return { type, ...(functionLogicalId && { functionLogicalId }) };
  }
  if (type === 'MOCK') {
    const first = (integration?.IntegrationResponses as Record<string, unknown>[] | undefined)?.[0];
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((first?.ResponseParameters as Record<string, string> | undefined) ?? {})) {
      const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
      if (header) headers[header] = value.replace(/^'(.*)'$/, '$1');
    }
    const templates = (first?.ResponseTemplates as Record<string, string> | undefined) ?? {};
    return { type, mockResponse: { statusCode: Number(first?.StatusCode ?? 200), headers, body: templates['application/json'] ?? '' } };
  }
  return { type };
};
