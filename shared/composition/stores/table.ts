import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../adapters/dynamodb/client';
import type { AppContext } from '../../app/context';
import { required } from '../env';
import { lazyGroup, lazyShared } from '../lazy';

/** The one table (TABLE_NAME) on one DynamoDB client (endpoint: AWS_ENDPOINT_URL_DYNAMODB). */
export interface Table {
  db: DynamoDBDocumentClient;
  tableName: string;
}

export function tableIn(env: NodeJS.ProcessEnv): Table {
  return { tableName: required(env, 'TABLE_NAME'), db: documentClient() };
}

/** Every store of a process on the same client, built with the first store used. */
const theTable = lazyShared(tableIn);

/**
 * A store as a group of its own: a function that imports it loads its adapter only, not the
 * table's other stores and their schemas.
 */
export function storeGroup<K extends keyof AppContext>(keys: readonly K[], build: (table: Table, env: NodeJS.ProcessEnv) => Pick<AppContext, K>): Pick<AppContext, K> {
  return lazyGroup(keys, (env) => build(theTable(), env));
}
