import { withdrawProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('withdraw-proposal'), app: tables }, async ({ params, ...request }) => ({
  status: 200,
  body: await withdrawProposal({ ...request, year: params.year }, params.giver),
}));
