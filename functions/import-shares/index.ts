import { importShares } from '../../shared/app/shares';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

/** JSON `{shares: [...]}`, or CSV text with `Content-Type: text/csv`. */
export const handler = httpHandler({ ...route('import-shares'), app: tables }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await importShares({ ...request, year: params.year }, body),
}));
