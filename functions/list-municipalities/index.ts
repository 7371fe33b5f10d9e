import { listMunicipalities } from '../../shared/app/reference';
import { httpHandler } from '../../shared/http/handler';
import { CountyQuery } from '../../shared/schemas/api';

export const handler = httpHandler({ public: true, query: CountyQuery }, async ({ query }) => ({
  status: 200,
  body: listMunicipalities(query.county),
}));
