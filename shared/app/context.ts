import { documentClient } from '../adapters/dynamodb/client';
import { ContactStore } from '../adapters/dynamodb/contact-store';
import { CycleStore } from '../adapters/dynamodb/cycle-store';
import { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store';
import { SentMailStore } from '../adapters/dynamodb/sent-mail-store';
import { SesMailer } from '../adapters/ses/ses-mailer';
import type { LedgerStore } from '../ledger/store';
import type { Mailer } from '../notifications/mailer';

/** The adapters a use case may reach, built once per Lambda container from its environment. */
export interface AppContext {
  ledgers: LedgerStore;
  idempotency: IdempotencyStore;
  cycles: CycleStore;
  contacts: ContactStore;
  mailer: Mailer;
  sentMail: SentMailStore;
}

let cached: AppContext | undefined;

export function appContext(): AppContext {
  cached ??= buildContext(process.env);
  return cached;
}

/**
 * Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_SES, …). MAIL_FROM is required: a sender address SES has not verified
 * would fail every notice, so a missing one should fail at start, not at the first mail.
 */
export function buildContext(env: NodeJS.ProcessEnv): AppContext {
  const tableName = required(env, 'TABLE_NAME');
  const mailFrom = required(env, 'MAIL_FROM');
  const db = documentClient();
  return {
    ledgers: new DynamoLedgerStore(db, tableName),
    idempotency: new IdempotencyStore(db, tableName),
    cycles: new CycleStore(db, tableName),
    contacts: new ContactStore(db, tableName),
    mailer: new SesMailer(mailFrom),
    sentMail: new SentMailStore(db, tableName),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
