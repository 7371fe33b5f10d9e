/**
 * dynalite's parsed condition expressions are kept (local/emulators/dynamodb/expression-cache.ts):
 * the same expression with other values must be decided on those values, its unused names and
 * values still refused, and what the parser checks beyond the values' types still checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/emulators/account';
import { startDynalite, type LocalDynamo } from '../../local/emulators/dynamodb/dynalite';

const TableName = 'expressions';
let dynamo: LocalDynamo;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynalite({ region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID });
  await dynamo.raw.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  db = DynamoDBDocumentClient.from(dynamo.raw);
});
afterAll(() => dynamo?.stop());

/** A Put of version `version` on the condition that the stored one is older: true if written. */
const putNewer = (sk: string, version: number): Promise<boolean> =>
  db
    .send(
      new PutCommand({
        TableName,
        Item: { pk: 'p', sk, version },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
        ExpressionAttributeValues: { ':version': version },
      }),
    )
    .then(
      () => true,
      (error: Error) => {
        if (error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      },
    );

const refusal = (promise: Promise<unknown>) => promise.then(() => 'written', (error: Error) => `${error.name}: ${error.message}`);

describe('condition expressions on the local DynamoDB', () => {
  it('the same expression is decided on each request’s own values', async () => {
    const outcomes = [];
    for (const version of [1, 3, 2, 3, 4, 0, 10]) outcomes.push(await putNewer('versions', version));
    expect(outcomes).toEqual([true, true, false, false, true, false, true]);
  });

  it('values of another type are checked again, and names and values the expression does not use are refused every time', async () => {
    await putNewer('types', 5);
    // A string never compares with a number: the condition fails (it is not an error).
    expect(await refusal(db.send(new PutCommand({ TableName, Item: { pk: 'p', sk: 'types', version: 6 }, ConditionExpression: 'version < :version', ExpressionAttributeValues: { ':version': '9' } })))).toMatch(
      /^ConditionalCheckFailedException/,
    );
    for (let i = 0; i < 2; i++) {
      const extra = db.send(
        new PutCommand({ TableName, Item: { pk: 'p', sk: 'types', version: 7 }, ConditionExpression: 'version < :version', ExpressionAttributeValues: { ':version': 7, ':unused': 1 } }),
      );
      expect(await refusal(extra)).toMatch(/^ValidationException: .*unused in expressions: keys: \{:unused\}/);
    }
    expect(await putNewer('types', 7)).toBe(true);
  });

  it('BETWEEN is checked on its bounds every time', async () => {
    const between = (from: string, to: string) =>
      db.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': 'p', ':from': from, ':to': to } }));
    expect((await between('a', 'z')).Items?.map((i) => i.sk)).toEqual(['types', 'versions']);
    expect(await refusal(between('z', 'a'))).toMatch(/^ValidationException: .*BETWEEN/);
    expect((await between('u', 'w')).Items?.map((i) => i.sk)).toEqual(['versions']);
  });
});
