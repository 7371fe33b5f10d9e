import { startCycle } from '../../shared/app/cycle';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

/** 201 when this request started the year, 200 when it had already been started. */
export const handler = httpHandler({ ...route('start-cycle'), app: uses(ledgers, cycles, idempotency, workflow) }, async ({ body, params, ...request }) => {
  const { created, cycle } = await startCycle({ ...request, year: params.year }, body);
  return { status: created ? 201 : 200, body: cycle, headers: { location: `/v1/years/${params.year}/cycle` } };
});
