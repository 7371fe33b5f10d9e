import { documentClient } from '../adapters/dynamodb/client';
import { DynamoContactStore } from '../adapters/dynamodb/contact-store';
import { DynamoCountyReportStore } from '../adapters/dynamodb/county-report-store';
import { DynamoCycleStore } from '../adapters/dynamodb/cycle-store';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store';
import { DynamoNoticeProgress } from '../adapters/dynamodb/notice-progress';
import { DynamoSentMailStore } from '../adapters/dynamodb/sent-mail-store';
import type { Tables } from '../app/context';
import { required } from './env';
import { lazyGroup } from './lazy';

/** Every store of the one table (TABLE_NAME) on one DynamoDB client (endpoint: AWS_ENDPOINT_URL_DYNAMODB). */
export function buildTables(env: NodeJS.ProcessEnv): Tables {
  const tableName = required(env, 'TABLE_NAME');
  const db = documentClient();
  return {
    ledgers: new DynamoLedgerStore(db, tableName),
    idempotency: new DynamoIdempotencyStore(db, tableName),
    cycles: new DynamoCycleStore(db, tableName),
    contacts: new DynamoContactStore(db, tableName),
    sentMail: new DynamoSentMailStore(db, tableName),
    notified: new DynamoNoticeProgress(db, tableName),
    reportStore: new DynamoCountyReportStore(db, tableName),
  };
}

export const tables: Tables = lazyGroup(['ledgers', 'idempotency', 'cycles', 'contacts', 'sentMail', 'notified', 'reportStore'], buildTables);
