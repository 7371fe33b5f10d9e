import { listAudit } from '../../shared/app/audit';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { CountyQuery, YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: tables, params: YearParams, query: CountyQuery }, async ({ params, query, ...request }) => ({
  status: 200,
  body: await listAudit({ ...request, year: params.year }, query),
}));
