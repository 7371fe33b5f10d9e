import { moveCalendar } from '../../shared/app/cycle';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('move-calendar'), app: uses(ledgers, cycles, idempotency, workflow) }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await moveCalendar({ ...request, year: params.year }, body),
}));
