import type { APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';

/**
 * A JSON answer as every route gives it: the HTTP adapter's (./handler.ts) and the standalone
 * routes' (routes.ts), whose handlers use this module alone of shared/http. It imports nothing,
 * so such a handler starts about as fast as an empty one.
 */
export function jsonAnswer(status: number, body?: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}
