import { DynamoCycleStore } from '../../adapters/dynamodb/cycle-store';
import type { AppContext } from '../../app/context';
import { storeGroup, type Table } from './table';

export function buildCycles({ db, tableName }: Table): Pick<AppContext, 'cycles'> {
  return { cycles: new DynamoCycleStore(db, tableName) };
}

export const cycles = storeGroup(['cycles'], buildCycles);
