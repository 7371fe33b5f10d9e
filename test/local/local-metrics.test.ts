import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffMetrics, type LocalStackMetrics } from '../../local/emulators/metrics';
import { startTestStack, type TestStack } from '../support/local-stack';

/** stack.metrics(): the counts scripts/bench-cycle.ts prices (local/emulators/metrics.ts, the dynalite worker's hooks: local/emulators/dynamodb/capacity.ts). */
describe('local stack metrics', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ now: '2027-09-01T08:00:00Z' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const during = async (act: () => Promise<unknown>): Promise<LocalStackMetrics> => {
    const before = await stack.metrics();
    await act();
    return diffMetrics(await stack.metrics(), before);
  };
  const put = (sk: string, bytes: number, extra: Record<string, { S: string }> = {}, condition?: string) =>
    stack.dynamo.raw.send(
      new PutItemCommand({
        TableName: stack.dynamo.tableName,
        Item: { pk: { S: 'TEST#metrics' }, sk: { S: sk }, data: { S: 'x'.repeat(bytes) }, ...extra },
        ...(condition && { ConditionExpression: condition }),
      }),
    );
  const get = (sk: string, consistent: boolean) =>
    stack.dynamo.raw.send(new GetItemCommand({ TableName: stack.dynamo.tableName, Key: { pk: { S: 'TEST#metrics' }, sk: { S: sk } }, ConsistentRead: consistent }));

  it('counts write units per KB of the larger of the old and new item, index entries and refused conditional writes', async () => {
    const first = await during(() => put('a', 1500));
    expect(first.dynamo).toMatchObject({ requests: { PutItem: 1 }, writeUnits: 2, indexWriteUnits: 0, conditionalCheckFailures: 0 });
    const smaller = await during(() => put('a', 100));
    expect(smaller.dynamo.writeUnits).toBe(2);
    const indexed = await during(() => put('b', 1500, { gsi1pk: { S: 'TEST' }, gsi1sk: { S: 'b' } }));
    expect(indexed.dynamo).toMatchObject({ writeUnits: 2, indexWriteUnits: 2 });
    const refused = await during(() => put('b', 10, {}, 'attribute_not_exists(pk)').catch(() => 'refused'));
    expect(refused.dynamo).toMatchObject({ requests: { PutItem: 1 }, errors: { PutItem: 1 }, writeUnits: 2, conditionalCheckFailures: 1 });
  });

  it('counts read units per 4 KB, halved when eventually consistent, with the minimum for nothing read', async () => {
    await put('c', 5000);
    expect((await during(() => get('c', true))).dynamo.readUnits).toBe(2);
    expect((await during(() => get('c', false))).dynamo.readUnits).toBe(1);
    expect((await during(() => get('missing', true))).dynamo.readUnits).toBe(1);
    let output: unknown;
    const empty = await during(async () => {
      output = await stack.dynamo.raw.send(
        new QueryCommand({
          TableName: stack.dynamo.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'TEST#nothing' } },
          ConsistentRead: true,
        }),
      );
    });
    expect(empty.dynamo).toMatchObject({ requests: { Query: 1 }, readUnits: 1 });
    // Not asked for: the capacity counted for metrics does not show in the answer.
    expect(output).not.toHaveProperty('ConsumedCapacity');
  });

  it('counts API requests and Lambda invocations by function, with their memory from the template', async () => {
    const d = await during(() => stack.request('GET', '/v1/health'));
    expect(d.apiRequests).toBe(1);
    const [[id, fn]] = Object.entries(d.lambda) as [[string, LocalStackMetrics['lambda'][string]]];
    expect(id).toMatch(/Health/);
    expect(fn).toMatchObject({ count: 1, trigger: 'api', memoryMb: 512 });
    expect(fn.billedMs).toBeGreaterThanOrEqual(1);
    expect(d.stepFunctions?.transitions).toBe(0);
  });
});
