import { refuse } from '../domain/errors';
import { findCounty, findMunicipality } from '../reference';
import type { Contacts, ContactsImport } from '../schemas/contacts';
import type { User } from '../schemas/user';
import { asAdmin } from './access';
import type { AppContext } from './context';

/** An administrator imports contacts (any subset); the answer is the whole resulting set. */
export async function importContacts(app: Pick<AppContext, 'contacts'>, user: User | null, body: ContactsImport): Promise<Contacts> {
  asAdmin(user);
  assertKnownCodes(body);
  await app.contacts.upsert(body);
  return app.contacts.load();
}

/** Refuses the whole import, before writing anything, if it names a code not in the reference data. */
function assertKnownCodes(body: ContactsImport): void {
  const municipality = Object.keys(body.municipalities ?? {}).find((code) => !findMunicipality(code));
  if (municipality) refuse('UNKNOWN_MUNICIPALITY', `Kommunen ${municipality} finns inte.`, [{ municipality }]);
  const county = Object.keys(body.counties ?? {}).find((code) => !findCounty(code));
  if (county) refuse('UNKNOWN_COUNTY', `Länet ${county} finns inte.`, [{ county }]);
}
