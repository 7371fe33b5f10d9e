import { getProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('get-proposal'), app: tables }, async ({ params, ...request }) => ({
  status: 200,
  body: await getProposal({ ...request, year: params.year }, params.giver),
}));
