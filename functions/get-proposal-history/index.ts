import { getProposalHistory } from '../../shared/app/proposal-history';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('get-proposal-history'), app: tables }, async ({ params, ...request }) => ({
  status: 200,
  body: await getProposalHistory({ ...request, year: params.year }, params.giver),
}));
