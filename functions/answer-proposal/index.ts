import { answerProposal } from '../../shared/app/proposals';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('answer-proposal'), app: uses(ledgers, cycles, idempotency) }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await answerProposal({ ...request, year: params.year }, params.giver, body),
}));
