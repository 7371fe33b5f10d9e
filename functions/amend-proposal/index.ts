import { amendProposal } from '../../shared/app/proposals';
import { httpHandler } from '../../shared/http/handler';
import { AmendProposalBody, GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ body: AmendProposalBody, params: GiverParams }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await amendProposal({ ...request, year: params.year }, params.giver, body),
}));
