import { importContacts } from '../../shared/app/contacts';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { ContactsImportBody } from '../../shared/schemas/contacts';

export const handler = httpHandler({ app: tables, body: ContactsImportBody }, async ({ app, user, body }) => ({
  status: 200,
  body: await importContacts(app, user, body),
}));
