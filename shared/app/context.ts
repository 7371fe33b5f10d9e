import { documentClient } from '../adapters/dynamodb/client';
import { CycleStore } from '../adapters/dynamodb/cycle-store';
import { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store';
import type { LedgerStore } from '../ledger/store';

/** The adapters a use case may reach, built once per Lambda container from its environment. */
export interface AppContext {
  ledgers: LedgerStore;
  idempotency: IdempotencyStore;
  cycles: CycleStore;
}

let cached: AppContext | undefined;

export function appContext(): AppContext {
  cached ??= buildContext(process.env);
  return cached;
}

/** Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB, …). */
export function buildContext(env: NodeJS.ProcessEnv): AppContext {
  const tableName = required(env, 'TABLE_NAME');
  const db = documentClient();
  return {
    ledgers: new DynamoLedgerStore(db, tableName),
    idempotency: new IdempotencyStore(db, tableName),
    cycles: new CycleStore(db, tableName),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
