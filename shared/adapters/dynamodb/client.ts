import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  const raw =
    client ??
    traced(
      new DynamoDBClient({
        ...(endpoint && { endpoint }),
        ...(region && { region }),
        ...(credentials && { credentials }),
      }),
    );
  return DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
