import { DynamoSentMailStore } from '../../adapters/dynamodb/sent-mail-store';
import type { AppContext } from '../../app/context';
import { storeGroup, type Table } from './table';

export function buildSentMail({ db, tableName }: Table): Pick<AppContext, 'sentMail'> {
  return { sentMail: new DynamoSentMailStore(db, tableName) };
}

export const sentMail = storeGroup(['sentMail'], buildSentMail);
