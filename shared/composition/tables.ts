import { documentClient } from '../adapters/dynamodb/client';
import { DynamoContactStore } from '../adapters/dynamodb/contact-store';
import { DynamoCountyReportStore } from '../adapters/dynamodb/county-report-store';
import { DynamoCycleStore } from '../adapters/dynamodb/cycle-store';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store';
import { DynamoNoticeProgress } from '../adapters/dynamodb/notice-progress';
import { DynamoSentMailStore } from '../adapters/dynamodb/sent-mail-store';
import { currentTime } from '../app/clock';
import type { Tables } from '../app/context';
import { defaultContacts } from '../notifications/default-contacts';
import type { Contacts } from '../schemas/contacts';
import { required } from './env';
import { lazyGroup } from './lazy';

/** Every store of the one table (TABLE_NAME) on one DynamoDB client (endpoint: AWS_ENDPOINT_URL_DYNAMODB). */
export function buildTables(env: NodeJS.ProcessEnv): Tables {
  const tableName = required(env, 'TABLE_NAME');
  const db = documentClient();
  return {
    ledgers: new DynamoLedgerStore(db, tableName),
    // Leases and expiry on the clock the rest of the system keeps (the local stack's virtual one; real time on AWS).
    idempotency: new DynamoIdempotencyStore(db, tableName, undefined, () => Date.parse(currentTime())),
    cycles: new DynamoCycleStore(db, tableName),
    contacts: new DynamoContactStore(db, tableName, undefined, () => defaultsOf(env)),
    sentMail: new DynamoSentMailStore(db, tableName),
    notified: new DynamoNoticeProgress(db, tableName),
    reportStore: new DynamoCountyReportStore(db, tableName),
  };
}

/** The example contacts, with Migrationsverket's mailbox of the deployment (MIGRATIONSVERKET_MAILBOX) when given. */
function defaultsOf(env: NodeJS.ProcessEnv): Contacts {
  const mailbox = env.MIGRATIONSVERKET_MAILBOX;
  return { ...defaultContacts(), ...(mailbox && { migrationsverket: { mailbox } }) };
}

export const tables: Tables = lazyGroup(['ledgers', 'idempotency', 'cycles', 'contacts', 'sentMail', 'notified', 'reportStore'], buildTables);
