/**
 * A table that does not answer is a refusal of kind `unavailable` (STORE_UNAVAILABLE, the API's
 * 503 with Retry-After), not an unexpected error; a refusal of the request itself stays what
 * DynamoDB said. Against a port nobody listens on, and against dynalite.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { ConditionalCheckFailedException, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/dynamodb/client';
import { Refusal } from '../../shared/app/errors';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/emulators/account';
import { startDynalite, type LocalDynamo } from '../../local/emulators/dynamodb/dynalite';
import { tempDataDir } from '../support/local-stack';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let dynamo: LocalDynamo;
let dataDir: string;

beforeAll(async () => {
  dynamo = await startDynalite({ path: (dataDir = tempDataDir()), region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID });
  await dynamo.raw.send(
    new CreateTableCommand({
      TableName: 'table',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(async () => {
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('a refused connection becomes STORE_UNAVAILABLE, after the SDK retries', async () => {
  const db = documentClient({ endpoint: `http://127.0.0.1:${await closedPort()}`, region: LOCAL_REGION, credentials });
  const error = await db.send(new GetCommand({ TableName: 'table', Key: { pk: 'x' } })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Refusal);
  expect(error).toMatchObject({ kind: 'unavailable', code: 'STORE_UNAVAILABLE' });
  expect((error as Refusal).message).toMatch(/Försök igen/);
});

it('the same while dynalite is stopped, and none once it is back; a failed condition stays a failed condition', async () => {
  const db = documentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials });
  await db.send(new PutCommand({ TableName: 'table', Item: { pk: 'a' } }));
  await dynamo.outage.stop();
  await expect(db.send(new PutCommand({ TableName: 'table', Item: { pk: 'b' } }))).rejects.toMatchObject({ kind: 'unavailable', code: 'STORE_UNAVAILABLE' });
  await dynamo.outage.start();
  expect((await db.send(new GetCommand({ TableName: 'table', Key: { pk: 'a' } }))).Item).toEqual({ pk: 'a' });
  const conflict = db.send(new PutCommand({ TableName: 'table', Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)' }));
  await expect(conflict).rejects.toBeInstanceOf(ConditionalCheckFailedException);
});
