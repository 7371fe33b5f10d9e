import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { synthesizeTemplate } from '../../infra/synth';
import { ROUTES } from '../../shared/http/routes';

const raw = synthesizeTemplate();
const template = Template.fromJSON(raw);
const resources: Record<string, any> = raw.Resources;

const TABLE_ID = 'StorageLedger5E7CB2E3';
const TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

function ofType(type: string): [string, any][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function routeByKey(routeKey: string): any {
  const found = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
  expect(found, routeKey).toHaveLength(1);
  return found[0]![1];
}

/** Route → Target `integrations/<Ref>` → IntegrationUri GetAtt <function>.Arn. */
function functionIdOfRoute(route: any): string {
  const integrationId: string = route.Properties.Target['Fn::Join'][1][1].Ref;
  const uri = resources[integrationId].Properties.IntegrationUri;
  return uri['Fn::GetAtt'][0];
}

/** Actions of every policy statement attached to the function's execution role. */
function actionsOf(functionId: string): { action: string; resource: unknown }[] {
  const roleId: string = resources[functionId].Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
    .flatMap((s: any) => [s.Action].flat().map((action: string) => ({ action, resource: s.Resource })));
}

describe('HTTP API', () => {
  it('has one route per ROUTES entry and nothing else', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    const apiFunctions = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('Api'));
    expect(apiFunctions).toHaveLength(ROUTES.length);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: authorization, payload 2.0 and the handler named in the metadata',
    (routeKey, spec) => {
      const route = routeByKey(routeKey);
      const isPublic = 'public' in spec && spec.public;
      expect(route.Properties.AuthorizationType).toBe(isPublic ? 'NONE' : 'JWT');
      if (!isPublic) expect(route.Properties.AuthorizerId).toBeDefined();

      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      expect(resources[integrationId].Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
      const fn = resources[functionIdOfRoute(route)];
      expect(fn.Type).toBe('AWS::Lambda::Function');
      expect(fn.Metadata[ENTRY_METADATA_KEY]).toBe(`functions/${spec.name}/index.ts`);
    },
  );

  it("trusts JWTs from the Cognito pool, for its two clients only (scripts and the web app)", () => {
    const [[poolId]] = ofType('AWS::Cognito::UserPool') as [[string, any]];
    const clientIds = ofType('AWS::Cognito::UserPoolClient').map(([id]) => id);
    expect(clientIds).toHaveLength(2);
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: Match.arrayEquals(clientIds.map((id) => ({ Ref: id }))),
        Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [poolId, 'ProviderURL'] }]] },
      },
    });
  });

  it('logs access as JSON and throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId' })),
      },
    });
  });

  it('exports the API URL and the user pool ids', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('UserPoolId', {});
    template.hasOutput('UserPoolClientId', {});
  });
});

describe('Route functions', () => {
  // The project's own functions (CDK's BucketDeployment handler is not one of them), but
  // Cognito's trigger, which reads no table and sends no mail (test/infra/identity.test.ts).
  const functions = ofType('AWS::Lambda::Function').filter(
    ([, fn]) => fn.Metadata?.[ENTRY_METADATA_KEY] && fn.Metadata[ENTRY_METADATA_KEY] !== 'functions/pre-token-generation/index.ts',
  );

  it('run Node.js 22 on arm64 with active tracing, the table name and the sender', () => {
    for (const [id, fn] of functions) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: TABLE_ID },
            MAIL_FROM: expect.stringContaining('@'),
          },
        },
      });
      // No source maps to parse at start (infra/bundling.ts).
      expect(fn.Properties.Environment.Variables, id).not.toHaveProperty('NODE_OPTIONS');
    }
  });

  it('log to their own log group kept one month', () => {
    for (const [id, fn] of functions) {
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId].Properties.RetentionInDays, id).toBe(30);
    }
  });

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s: least-privilege table access, no mail', (_, spec) => {
    const actions = actionsOf(functionIdOfRoute(routeByKey(`${spec.method} ${spec.path}`)));
    const names = actions.map((a) => a.action);
    expect(names).toContain('dynamodb:GetItem');
    if (spec.method === 'GET') {
      expect(names.filter((a) => TABLE_WRITES.includes(a))).toEqual([]);
    } else {
      expect(names).toContain('dynamodb:PutItem');
    }
    expect(names.filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it('never e-mail: commands append ledger events and the ledger follower sends the notices', () => {
    const senders = ROUTES.filter((r) =>
      actionsOf(functionIdOfRoute(routeByKey(`${r.method} ${r.path}`))).some((a) => a.action.startsWith('ses:')),
    ).map((r) => r.name);
    expect(senders).toEqual([]);
  });
});
