import { amendProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('amend-proposal'), app: tables }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await amendProposal({ ...request, year: params.year }, params.giver, body),
}));
