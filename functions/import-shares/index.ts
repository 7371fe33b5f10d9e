import { importShares } from '../../shared/app/shares';
import { tables } from '../../shared/composition/tables';
import { httpHandler } from '../../shared/http/handler';
import { ImportSharesBody, YearParams } from '../../shared/schemas/api';

/** JSON `{shares: [...]}`, or CSV text with `Content-Type: text/csv`. */
export const handler = httpHandler({ app: tables, body: ImportSharesBody, params: YearParams, acceptsText: true }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await importShares({ ...request, year: params.year }, body),
}));
