import { defaultCalendar, type Calendar } from '../domain/calendar';
import type { AppContext } from './context';

/** The year's calendar as stored by an administrator, or the default one. */
export async function calendarOf(app: AppContext, year: number): Promise<Calendar> {
  return (await app.cycles.get(year))?.calendar ?? defaultCalendar(year);
}
