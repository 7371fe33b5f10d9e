import { getCycle } from '../../shared/app/cycle';
import { uses } from '../../shared/composition/lazy';
import { tables } from '../../shared/composition/tables';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler({ ...route('get-cycle'), app: uses(tables, workflow) }, async ({ params, ...request }) => ({
  status: 200,
  body: await getCycle({ ...request, year: params.year }),
}));
