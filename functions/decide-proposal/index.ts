import { decideProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { DecisionBody, GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, body: DecisionBody, params: GiverParams }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await decideProposal({ ...request, year: params.year }, params.giver, body),
}));
