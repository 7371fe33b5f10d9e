import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinitionFromTemplate } from './table-definition';

/** Creates the ledger table as the synthesized CDK template declares it; a no-op if it already exists. */
export async function createLedgerTable(
  raw: DynamoDBClient,
  tableName: string,
  template: { Resources?: Record<string, any> },
): Promise<void> {
  try {
    await raw.send(new CreateTableCommand(tableDefinitionFromTemplate(template, tableName)));
  } catch (err) {
    // Match by name: instanceof breaks if two copies of the SDK are loaded.
    if ((err as Error | undefined)?.name !== 'ResourceInUseException') throw err;
  }
  await waitUntilActive(raw, tableName);
}

// The SDK waiter's minimum delay is 20 s; local tables turn ACTIVE within milliseconds.
async function waitUntilActive(raw: DynamoDBClient, tableName: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 1_000)) {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
