import { getCycle } from '../../shared/app/cycle';
import { httpHandler } from '../../shared/http/handler';
import { YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ params: YearParams }, async ({ params, ...request }) => ({
  status: 200,
  body: await getCycle({ ...request, year: params.year }),
}));
