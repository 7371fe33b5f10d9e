import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../../app/errors';
import { traced } from '../../platform/tracer';

export interface DocumentClientOptions {
  /** Wrap this low-level client instead of creating one (other options are then ignored). */
  client?: DynamoDBClient;
  /** Explicit endpoint for tests; otherwise the SDK reads AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
}

export function documentClient(opts: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const { client, endpoint, region, credentials } = opts;
  const raw = client ?? withUnavailable(traced(new DynamoDBClient({ ...(endpoint && { endpoint }), ...(region && { region }), ...(credentials && { credentials }) })));
  return DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * A table that does not answer (network failures, throttling, DynamoDB's own 5xx) after the
 * SDK's retries becomes the use cases' `Unavailable` (the API: 503 with Retry-After), not an
 * unexpected error. A refusal of the request itself (a failed condition, a bad request) is
 * passed on as it is. Added at the initialize step, outside the SDK's retries.
 */
function withUnavailable(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        throw Object.assign(new Unavailable('STORE_UNAVAILABLE', 'Tjänsten kommer inte åt sina uppgifter just nu. Försök igen om en stund.'), { cause: error });
      }
    },
    { step: 'initialize', name: 'storeUnavailable', priority: 'high' },
  );
  return client;
}

const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

function isUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return (e?.$metadata?.httpStatusCode ?? 0) >= 500 || UNAVAILABLE_NAMES.has(e?.name ?? '') || NETWORK_CODES.has(e?.code ?? '');
}
