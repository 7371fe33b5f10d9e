import { answerProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { ConsentBody, GiverParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, body: ConsentBody, params: GiverParams }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await answerProposal({ ...request, year: params.year }, params.giver, body),
}));
