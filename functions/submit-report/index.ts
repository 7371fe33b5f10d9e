import { submitCountyReport } from '../../shared/app/reports';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { reportStore } from '../../shared/composition/stores/report-store';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('submit-report'), app: uses(ledgers, cycles, reportStore, idempotency, workflow) }, async ({ params, ...request }) => ({
  status: 200,
  body: await submitCountyReport({ ...request, year: params.year }, params.county),
}));
