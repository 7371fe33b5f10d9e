import { submitCountyReport } from '../../shared/app/reports';
import { httpHandler } from '../../shared/http/handler';
import { CountyParams } from '../../shared/schemas/api';

export const handler = httpHandler({ params: CountyParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await submitCountyReport({ ...request, year: params.year }, params.county),
}));
