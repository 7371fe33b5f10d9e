import { submitProposal } from '../../shared/app/proposals';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { SubmitProposalBody, YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, body: SubmitProposalBody, params: YearParams }, async ({ body, params, ...request }) => {
  const { proposal } = await submitProposal({ ...request, year: params.year }, body);
  return { status: 201, body: proposal, headers: { location: `/v1/years/${params.year}/proposals/${proposal.giver}` } };
});
