import { moveCalendar } from '../../shared/app/cycle';
import { httpHandler } from '../../shared/http/handler';
import { MoveCalendarBody, YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ body: MoveCalendarBody, params: YearParams }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await moveCalendar({ ...request, year: params.year }, body),
}));
