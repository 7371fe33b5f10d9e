import type { APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';

/**
 * GET /v1/health, declared in shared/http/routes.ts like every route (`standalone`: its answer
 * is the `Health` schema there). It parses nothing, refuses nothing, reads nothing and has
 * nothing to log (Lambda's own START, END and REPORT lines record each probe), so it imports
 * nothing: no HTTP adapter, no zod, no Powertools, and starts as fast as an empty handler.
 * test/unit/architecture.test.ts holds the answer to the declaration and the imports to none.
 */
export const handler = async (): Promise<ApiResult> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ status: 'ok' }),
});
