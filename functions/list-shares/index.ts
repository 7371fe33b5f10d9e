import { listShares } from '../../shared/app/shares';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-shares'), app: uses(ledgers, cycles, idempotency) }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listShares({ ...request, year: params.year }, query),
}));
