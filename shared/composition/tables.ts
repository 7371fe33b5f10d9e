import type { Tables } from '../app/context';
import { uses } from './lazy';
import { buildContacts, contacts } from './stores/contacts';
import { buildCycles, cycles } from './stores/cycles';
import { buildIdempotency, idempotency } from './stores/idempotency';
import { buildLedgers, ledgers } from './stores/ledgers';
import { buildNotified, notified } from './stores/notified';
import { buildReportStore, reportStore } from './stores/report-store';
import { buildSentMail, sentMail } from './stores/sent-mail';
import { tableIn } from './stores/table';

/** Every store of the one table on one DynamoDB client, from `env` (the tests' whole context). */
export function buildTables(env: NodeJS.ProcessEnv): Tables {
  const table = tableIn(env);
  return {
    ...buildLedgers(table),
    ...buildIdempotency(table),
    ...buildCycles(table),
    ...buildContacts(table, env),
    ...buildSentMail(table),
    ...buildNotified(table),
    ...buildReportStore(table),
  };
}

/** Every store, each built on its first use: the workflow's tasks and the stream follower reach them all (ActContext). */
export const tables: Tables = uses(ledgers, idempotency, cycles, contacts, sentMail, notified, reportStore);
