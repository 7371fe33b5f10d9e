import { importContacts } from '../../shared/app/contacts';
import { httpHandler } from '../../shared/http/handler';
import { ContactsImportBody } from '../../shared/schemas/contacts';

export const handler = httpHandler({ body: ContactsImportBody }, async ({ app, user, body }) => ({
  status: 200,
  body: await importContacts(app, user, body),
}));
