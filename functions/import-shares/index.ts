import { importShares } from '../../shared/app/shares';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

/** JSON `{shares: [...]}`, or CSV text with `Content-Type: text/csv`. */
export const handler = httpHandler({ ...route('import-shares'), app: uses(ledgers, cycles, idempotency) }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await importShares({ ...request, year: params.year }, body),
}));
