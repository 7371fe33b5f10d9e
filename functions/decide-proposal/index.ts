import { decideProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('decide-proposal'), app: tables }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await decideProposal({ ...request, year: params.year }, params.giver, body),
}));
