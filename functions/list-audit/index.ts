import { listAudit } from '../../shared/app/audit';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('list-audit'), app: uses(ledgers, cycles, idempotency) }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listAudit({ ...request, year: params.year }, query),
}));
