import { getProposalHistory } from '../../shared/app/proposal-history';
import { httpHandler } from '../../shared/http/handler';
import { GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ params: GiverParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await getProposalHistory({ ...request, year: params.year }, params.giver),
}));
