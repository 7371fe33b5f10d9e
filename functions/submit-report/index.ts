import { submitCountyReport } from '../../shared/app/reports';
import { uses } from '../../shared/composition/lazy';
import { tables } from '../../shared/composition/tables';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { CountyParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: uses(tables, workflow), params: CountyParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await submitCountyReport({ ...request, year: params.year }, params.county),
}));
