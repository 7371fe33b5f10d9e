import { getCycle } from '../../shared/app/cycle';
import { uses } from '../../shared/composition/lazy';
import { tables } from '../../shared/composition/tables';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: uses(tables, workflow), params: YearParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await getCycle({ ...request, year: params.year }),
}));
