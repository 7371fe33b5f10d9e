import { moveCalendar } from '../../shared/app/cycle';
import { uses } from '../../shared/composition/lazy';
import { tables } from '../../shared/composition/tables';
import { workflow } from '../../shared/composition/workflow';
import { httpHandler } from '../../shared/http/handler';
import { MoveCalendarBody, YearParams } from '../../shared/schemas/api';

export const handler = httpHandler({ app: uses(tables, workflow), body: MoveCalendarBody, params: YearParams }, async ({ body, params, ...request }) => ({
  status: 200,
  body: await moveCalendar({ ...request, year: params.year }, body),
}));
