import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/synth';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';

const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
  (a.AttributeName ?? '').localeCompare(b.AttributeName ?? '');

function templateTable() {
  const tables = Object.values(synthesizeTemplate().Resources).filter((r: any) =>
    String(r.Type).startsWith('AWS::DynamoDB::'),
  ) as any[];
  expect(tables).toHaveLength(1);
  return tables[0].Properties;
}

describe('local ledger table (dynalite)', () => {
  let db: LedgerDynamo;
  beforeAll(async () => {
    db = await startLedgerDynamo();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('matches the table declared by the synthesized template', async () => {
    const declared = templateTable();
    const { Table } = await db.raw.send(new DescribeTableCommand({ TableName: db.tableName }));

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe(declared.BillingMode);
    expect(Table?.KeySchema).toEqual(declared.KeySchema);
    expect([...(Table?.AttributeDefinitions ?? [])].sort(byName)).toEqual(
      [...declared.AttributeDefinitions].sort(byName),
    );
    const localIndexes = (Table?.GlobalSecondaryIndexes ?? []).map(({ IndexName, KeySchema, Projection }) => ({
      IndexName,
      KeySchema,
      Projection,
    }));
    expect(localIndexes).toEqual(declared.GlobalSecondaryIndexes);
  });

  it('rejects a second conditional put of the same key', async () => {
    const put = () =>
      db.client.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { pk: 'COUNTY#01', sk: 'EVENT#0001', kind: 'created', note: undefined },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put();
    await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('queries the byYear index', async () => {
    for (const [county, seq] of [['01', '1'], ['12', '1'], ['12', '2']] as const) {
      await db.client.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { pk: `COUNTY#${county}`, sk: `YEAR#2026#${seq}`, gsi1pk: 'YEAR#2026', gsi1sk: `COUNTY#${county}#${seq}` },
        }),
      );
    }
    const { Items } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'byYear',
        KeyConditionExpression: 'gsi1pk = :y AND begins_with(gsi1sk, :c)',
        ExpressionAttributeValues: { ':y': 'YEAR#2026', ':c': 'COUNTY#12#' },
      }),
    );
    expect(Items?.map((i) => i.sk)).toEqual(['YEAR#2026#1', 'YEAR#2026#2']);
  });
});

describe('on-disk persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omfordelning-dynalite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps items across a restart on the same path', async () => {
    const key = { pk: 'COUNTY#03', sk: 'EVENT#0001' };
    const first = await startLedgerDynamo({ path: dir });
    try {
      await first.client.send(new PutCommand({ TableName: first.tableName, Item: { ...key, year: 2026 } }));
    } finally {
      await first.stop();
    }

    // Second start runs createLedgerTable against the existing table, which must be a no-op.
    const second = await startLedgerDynamo({ path: dir });
    try {
      const { Item } = await second.client.send(new GetCommand({ TableName: second.tableName, Key: key }));
      expect(Item).toEqual({ ...key, year: 2026 });
    } finally {
      await second.stop();
    }
  });
});
