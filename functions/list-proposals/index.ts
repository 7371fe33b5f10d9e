import { listProposals } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-proposals'), app: tables }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listProposals({ ...request, year: params.year }, query),
}));
