import { importContacts } from '../../shared/app/contacts';
import { uses } from '../../shared/composition/lazy';
import { contacts } from '../../shared/composition/stores/contacts';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('import-contacts'), app: uses(contacts, idempotency) }, async ({ app, user, body }) => ({
  status: 200,
  body: await importContacts(app, user, body),
}));
