import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { documentClient } from '../shared/adapters/dynamodb/client';
import { createLedgerTable } from '../shared/adapters/dynamodb/create-table';
import { synthesizeTemplate } from '../infra/synth';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

export const LOCAL_TABLE_NAME = 'omfordelning-ledger';

/** In-process DynamoDB (dynalite) with the ledger table created from the synthesized template. */
export async function startDynalite(
  opts: { path?: string; tableName?: string } = {},
): Promise<LocalDynamo> {
  const tableName = opts.tableName ?? LOCAL_TABLE_NAME;
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(opts.path && { path: opts.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  const raw = new DynamoDBClient({
    endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = documentClient({ client: raw });

  const stop = async () => {
    raw.destroy(); // frees keep-alive sockets so server.close() can finish
    // dynalite's close also closes LevelDB, releasing the lock for a restart on the same path.
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  };

  try {
    await createLedgerTable(raw, tableName, synthesizeTemplate());
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, client, raw, tableName, stop };
}
