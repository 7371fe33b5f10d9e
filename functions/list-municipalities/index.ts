import { listMunicipalities } from '../../shared/app/reference';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler(route('list-municipalities'), async ({ query }) => ({
  status: 200,
  body: listMunicipalities(query.county),
}));
