import { DynamoCountyReportStore } from '../../adapters/dynamodb/county-report-store';
import type { AppContext } from '../../app/context';
import { storeGroup, type Table } from './table';

export function buildReportStore({ db, tableName }: Table): Pick<AppContext, 'reportStore'> {
  return { reportStore: new DynamoCountyReportStore(db, tableName) };
}

export const reportStore = storeGroup(['reportStore'], buildReportStore);
