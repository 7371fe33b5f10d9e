import { DynamoNoticeProgress } from '../../adapters/dynamodb/notice-progress';
import type { AppContext } from '../../app/context';
import { storeGroup, type Table } from './table';

export function buildNotified({ db, tableName }: Table): Pick<AppContext, 'notified'> {
  return { notified: new DynamoNoticeProgress(db, tableName) };
}

export const notified = storeGroup(['notified'], buildNotified);
