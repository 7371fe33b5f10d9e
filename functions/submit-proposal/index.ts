import { submitProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('submit-proposal'), app: tables }, async ({ body, params, ...request }) => {
  const { proposal } = await submitProposal({ ...request, year: params.year }, body);
  return { status: 201, body: proposal, headers: { location: `/v1/years/${params.year}/proposals/${proposal.giver}` } };
});
