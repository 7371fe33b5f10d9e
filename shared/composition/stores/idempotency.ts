import { DynamoIdempotencyStore } from '../../adapters/dynamodb/idempotency-store';
import { currentTime } from '../../app/clock';
import type { AppContext } from '../../app/context';
import { storeGroup, type Table } from './table';

export function buildIdempotency({ db, tableName }: Table): Pick<AppContext, 'idempotency'> {
  // Leases and expiry on the clock the rest of the system keeps (the local stack's virtual one; real time on AWS).
  return { idempotency: new DynamoIdempotencyStore(db, tableName, undefined, () => Date.parse(currentTime())) };
}

export const idempotency = storeGroup(['idempotency'], buildIdempotency);
