import { resolveRestApis } from '../../../../scripts/local-stack/template/resolve-rest-apis';
import type { CfnResource, CfnTemplate } from '../../../../scripts/local-stack/template/cfn-template';

const functionArn = { 'Fn::GetAtt': ['AuthFnE7829713', 'Arn'] };

/** A CUSTOM method behind a RequestAuthorizer, as `cdk synth` writes it (copied from CDK's output). */
const template = (authorizer: Record<string, unknown> = {}, method: Record<string, unknown> = {}): CfnTemplate => {
  const resources: Record<string, CfnResource> = {
    ApiF70053CD: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'Api' } },
    Apix071D7F8E: { Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: { 'Fn::GetAtt': ['ApiF70053CD', 'RootResourceId'] }, PathPart: 'x', RestApiId: { Ref: 'ApiF70053CD' } } },
    AuthFnE7829713: { Type: 'AWS::Lambda::Function', Properties: {} },
    Authz32705C97: {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        AuthorizerResultTtlInSeconds: 60,
        AuthorizerUri: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { 'Fn::Select': [1, { 'Fn::Split': [':', functionArn] }] },
              ':apigateway:',
              { 'Fn::Select': [3, { 'Fn::Split': [':', functionArn] }] },
              ':lambda:path/2015-03-31/functions/',
              functionArn,
              '/invocations',
            ],
          ],
        },
        IdentitySource: 'method.request.header.Authorization',
        Name: 'SAuthzF949DE9B',
        RestApiId: { Ref: 'ApiF70053CD' },
        Type: 'REQUEST',
        ...authorizer,
      },
    },
    ApixGET522F5750: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: 'Authz32705C97' },
        HttpMethod: 'GET',
        Integration: { Type: 'MOCK' },
        ResourceId: { Ref: 'Apix071D7F8E' },
        RestApiId: { Ref: 'ApiF70053CD' },
        ...method,
      },
    },
  };
  return { Resources: resources };
};

const methodOf = (cfn: CfnTemplate) => resolveRestApis(cfn)[0]?.methods[0];

describe('resolveRestApis: Lambda authorizers', () => {
  it('finds the function inside the Fn::Join of AuthorizerUri, the identity sources and the TTL', () => {
    expect(methodOf(template())).toMatchObject({
      authorizationType: 'CUSTOM',
      authorizer: { logicalId: 'Authz32705C97', type: 'REQUEST', functionLogicalId: 'AuthFnE7829713', identitySources: ['method.request.header.Authorization'], resultTtlSeconds: 60 },
    });
  });

  it('splits several identity sources and takes CloudFormation\'s 300 s when no TTL is set', () => {
    const authorizer = methodOf(template({ IdentitySource: 'method.request.header.Authorization, method.request.querystring.v', AuthorizerResultTtlInSeconds: undefined }))?.authorizer;

    expect(authorizer).toMatchObject({ identitySources: ['method.request.header.Authorization', 'method.request.querystring.v'], resultTtlSeconds: 300 });
  });

  it('leaves methods of other authorization types without an authorizer', () => {
    expect(methodOf(template({}, { AuthorizationType: 'NONE', AuthorizerId: undefined }))?.authorizer).toBeUndefined();
  });

  it('fails loudly on a CUSTOM method whose authorizer is missing or calls no function of the template', () => {
    expect(() => methodOf(template({}, { AuthorizerId: { Ref: 'Nowhere' } }))).toThrow(/authorizer Nowhere/);
    expect(() => methodOf(template({ AuthorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:x/invocations' }))).toThrow(/authorizer Authz32705C97/);
  });
});
