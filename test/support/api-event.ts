import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent } from 'aws-lambda';

export type Claims = Record<string, string>;

export interface EventInput {
  method: string;
  /** The route's path template, e.g. `/v1/years/{year}/proposals/{giver}`. */
  path: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string as it is (set the content type in headers). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Verified JWT claims as the authorizer passes them; none for an anonymous caller. */
  claims?: Claims;
  /** When API Gateway received the request (epoch ms); the handlers' clock. */
  timeEpoch?: number;
}

/** An API Gateway HTTP API (payload 2.0) event, as the JWT authorizer hands it to a Lambda. */
export function apiEvent(input: EventInput): ApiEvent {
  const { method, path, pathParameters, query, body, claims, timeEpoch = Date.now() } = input;
  const rawPath = path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters?.[name] ?? `{${name}}`);
  const json = body !== undefined && typeof body !== 'string';
  // API Gateway lower-cases header names in payload 2.0.
  const headers = Object.fromEntries(
    Object.entries({ ...(json ? { 'content-type': 'application/json' } : {}), ...input.headers }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const rawQueryString = new URLSearchParams(query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath,
    rawQueryString,
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    ...(body !== undefined ? { body: json ? JSON.stringify(body) : (body as string) } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date(timeEpoch).toISOString(),
      timeEpoch,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  } as ApiEvent;
}

export const claims = {
  municipality: (code: string): Claims => ({ 'cognito:groups': '[municipality]', 'custom:municipality': code, sub: `m-${code}` }),
  county: (code: string): Claims => ({ 'cognito:groups': '[county]', 'custom:county': code, sub: `c-${code}` }),
  admin: (): Claims => ({ 'cognito:groups': '[admin]', sub: 'admin' }),
};
