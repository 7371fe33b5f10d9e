import { withdrawProposal } from '../../shared/app/proposals';
import { httpHandler } from '../../shared/http/handler';
import { GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ params: GiverParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await withdrawProposal({ ...request, year: params.year }, params.giver),
}));
