import { DynamoContactStore } from '../../adapters/dynamodb/contact-store';
import type { AppContext } from '../../app/context';
import { defaultContacts } from '../../notifications/default-contacts';
import type { Contacts } from '../../schemas/contacts';
import { storeGroup, type Table } from './table';

export function buildContacts({ db, tableName }: Table, env: NodeJS.ProcessEnv): Pick<AppContext, 'contacts'> {
  return { contacts: new DynamoContactStore(db, tableName, undefined, () => defaultsOf(env)) };
}

/** The example contacts, with Migrationsverket's mailbox of the deployment (MIGRATIONSVERKET_MAILBOX) when given. */
function defaultsOf(env: NodeJS.ProcessEnv): Contacts {
  const mailbox = env.MIGRATIONSVERKET_MAILBOX;
  return { ...defaultContacts(), ...(mailbox && { migrationsverket: { mailbox } }) };
}

export const contacts = storeGroup(['contacts'], buildContacts);
