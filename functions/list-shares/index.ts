import { listShares } from '../../shared/app/shares';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-shares'), app: tables }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listShares({ ...request, year: params.year }, query),
}));
