/**
 * Reads the HTTP API back out of the synthesized CloudFormation template, so the local
 * API Gateway serves exactly the routes, authorizers and environment the cloud gets.
 *
 * Contract with the CDK stack: each route is an AWS::ApiGatewayV2::Route with
 * `RouteKey: "POST /v1/..."`, `AuthorizationType: "JWT" | "NONE"` and
 * `Target: {"Fn::Join": ["", ["integrations/", {"Ref": <integration>}]]}`; the
 * AWS::ApiGatewayV2::Integration has `IntegrationUri: {"Fn::GetAtt": [<function>, "Arn"]}`;
 * the AWS::Lambda::Function has `Metadata: {"omfordelning:entry": "functions/<name>/index.ts"}`
 * and `Environment.Variables`. Pure: no I/O.
 */
import { compilePath, type LocalRoute } from '../api-gateway/router';
import { collectRefs, entryOf, environmentOf, lambdaFunctionOf } from './functions';
import { ENTRY_METADATA, Resolver, type LocalValues, type Template } from './resolver';

export function routesFromTemplate(template: Template, local: LocalValues): LocalRoute[] {
  const resources = template.Resources ?? {};
  const problems: string[] = [];
  const routes: LocalRoute[] = [];
  const resolver = new Resolver(template, local);

  for (const [routeId, route] of Object.entries(resources)) {
    if (route?.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const props = route.Properties ?? {};
    const routeKey: unknown = props.RouteKey;
    const parsed = typeof routeKey === 'string' ? parseRouteKey(routeKey) : undefined;
    if (!parsed) {
      problems.push(`${routeId}: RouteKey ${JSON.stringify(routeKey)} är inte "METOD /sökväg"`);
      continue;
    }
    const authorization = props.AuthorizationType ?? 'NONE';
    if (authorization !== 'JWT' && authorization !== 'NONE') {
      problems.push(`${routeId}: AuthorizationType ${JSON.stringify(authorization)} stöds inte lokalt (bara JWT och NONE)`);
      continue;
    }
    const integrationId = integrationOf(props.Target);
    const integration = integrationId ? resources[integrationId] : undefined;
    if (!integrationId || integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      problems.push(`${routeId}: Target pekar inte på en AWS::ApiGatewayV2::Integration (${JSON.stringify(props.Target)})`);
      continue;
    }
    const functionId = lambdaFunctionOf(resources, integration.Properties?.IntegrationUri);
    if (!functionId) {
      problems.push(`${integrationId}: IntegrationUri pekar inte på en AWS::Lambda::Function`);
      continue;
    }
    const entry = entryOf(resources, functionId);
    if (entry === undefined) {
      problems.push(`${functionId}: Metadata saknar "${ENTRY_METADATA}" (handlerns fil, t.ex. functions/health/index.ts)`);
      continue;
    }
    const { env, resolutions } = environmentOf(resources, functionId, resolver);
    routes.push({
      routeKey,
      method: parsed.method,
      path: parsed.path,
      ...compilePath(parsed.path),
      authorization,
      entry,
      functionId,
      env,
      resolutions,
    } as LocalRoute);
  }
  if (problems.length > 0) throw new Error(`Mallens API går inte att köra lokalt:\n  - ${problems.join('\n  - ')}`);
  // Stable order (by path, then method) so the start-up listing reads well.
  return routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
}

function parseRouteKey(routeKey: string): { method: string; path: string } | undefined {
  if (routeKey === '$default') return { method: 'ANY', path: '$default' };
  const m = /^([A-Z]+) (\/\S*)$/.exec(routeKey.trim());
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

/** `integrations/<id>` as the contract's Fn::Join, or any Ref inside the target. */
function integrationOf(target: unknown): string | undefined {
  return collectRefs(target)[0];
}
