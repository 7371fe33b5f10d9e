/**
 * The ledger's table on the DynamoDB emulator, without the rest of the stack: for the demo
 * and the integration tests. The table is created from the synthesized template, as the
 * stack creates it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { synthesizeTemplate } from '../../infra/synth';
import { documentClient } from '../../shared/adapters/dynamodb/client';
import { createLedgerTable } from '../../shared/adapters/dynamodb/create-table';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../emulators/account';
import { startDynalite } from '../emulators/dynamodb/dynalite';
import { LOCAL_TABLE_NAME } from '../stack';

export interface LedgerDynamo {
  endpoint: string;
  client: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

/** dynalite with the ledger table; data under `path`, or in memory. */
export async function startLedgerDynamo(opts: { path?: string; tableName?: string } = {}): Promise<LedgerDynamo> {
  const tableName = opts.tableName ?? LOCAL_TABLE_NAME;
  const dynamo = await startDynalite({ ...(opts.path !== undefined && { path: opts.path }), region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID });
  const stop = () => dynamo.stop();
  try {
    await createLedgerTable(dynamo.raw, tableName, synthesizeTemplate());
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint: dynamo.endpoint, client: documentClient({ client: dynamo.raw }), raw: dynamo.raw, tableName, stop };
}
