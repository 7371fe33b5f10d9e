import { listMails } from '../../shared/app/mails';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-mails'), app: tables }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listMails({ ...request, year: params.year }, query),
}));
