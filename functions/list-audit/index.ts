import { listAudit } from '../../shared/app/audit';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-audit'), app: tables }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listAudit({ ...request, year: params.year }, query),
}));
