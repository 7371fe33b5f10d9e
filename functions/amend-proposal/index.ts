import { amendProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { AmendProposalBody, GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, body: AmendProposalBody, params: GiverParams }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await amendProposal({ ...request, year: params.year }, params.giver, body),
}));
