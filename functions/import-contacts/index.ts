import { importContacts } from '../../shared/app/contacts';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('import-contacts'), app: tables }, async ({ app, user, body }) => ({
  status: 200,
  body: await importContacts(app, user, body),
}));
