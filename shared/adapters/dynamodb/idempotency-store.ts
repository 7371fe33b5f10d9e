import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';

/** First responses to requests that carried an `Idempotency-Key`, one item per key. */
export class IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(scope: string): Promise<ApiResult | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(scope), ConsistentRead: true }));
    return Item?.response as ApiResult | undefined;
  }

  /** Keeps the first response: a concurrent twin that finishes later does not overwrite it. */
  async remember(scope: string, response: ApiResult): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { ...key(scope), response }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

const key = (scope: string) => ({ pk: `IDEMPOTENCY#${scope}`, sk: 'RESPONSE' });
