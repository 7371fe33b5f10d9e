import { withdrawProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, params: GiverParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await withdrawProposal({ ...request, year: params.year }, params.giver),
}));
