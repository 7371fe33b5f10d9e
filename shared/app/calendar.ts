import { calendarProblems, defaultCalendar, toUtcIso, type Calendar } from '../domain/calendar';
import { badRequest } from '../http/errors';
import type { CalendarPatch } from '../schemas/api';
import type { AppContext } from './context';

/** The year's calendar as stored by an administrator, or the default one. */
export async function calendarOf(app: AppContext, year: number): Promise<Calendar> {
  return (await app.cycles.get(year))?.calendar ?? defaultCalendar(year);
}

/**
 * A calendar with some fields replaced, checked (400 INVALID_CALENDAR with every problem
 * in Swedish) and normalised to whole-second UTC instants, as the workflow waits on them.
 */
export function mergeCalendar(base: Calendar, patch: CalendarPatch = {}): Calendar {
  const merged = { ...base, ...patch };
  const problems = calendarProblems(merged);
  if (problems.length > 0) throw badRequest('INVALID_CALENDAR', 'Kalendern är ogiltig.', problems);
  return {
    publishAt: toUtcIso(merged.publishAt),
    reminders: merged.reminders.map(toUtcIso),
    deadline: toUtcIso(merged.deadline),
    countyReportAt: toUtcIso(merged.countyReportAt),
    finalizeAt: toUtcIso(merged.finalizeAt),
  };
}
