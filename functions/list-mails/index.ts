import { listMails } from '../../shared/app/mails';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { MailsQuery, YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, params: YearParams, query: MailsQuery }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listMails({ ...request, year: params.year }, query),
}));
