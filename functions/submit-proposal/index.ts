import { submitProposal } from '../../shared/app/proposals';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('submit-proposal'), app: uses(ledgers, cycles, idempotency) }, async ({ body, params, ...request }) => {
  const { proposal } = await submitProposal({ ...request, year: params.year }, body);
  return { status: 201, body: proposal, headers: { location: `/v1/years/${params.year}/proposals/${proposal.giver}` } };
});
