import { DynamoLedgerStore } from '../../adapters/dynamodb/ledger-store';
import type { AppContext } from '../../app/context';
import { storeGroup, type Table } from './table';

export function buildLedgers({ db, tableName }: Table): Pick<AppContext, 'ledgers'> {
  return { ledgers: new DynamoLedgerStore(db, tableName) };
}

export const ledgers = storeGroup(['ledgers'], buildLedgers);
