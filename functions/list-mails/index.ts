import { listMails } from '../../shared/app/mails';
import { uses } from '../../shared/composition/lazy';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { sentMail } from '../../shared/composition/stores/sent-mail';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-mails'), app: uses(sentMail, idempotency) }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listMails({ ...request, year: params.year }, query),
}));
