import { calendarProblems, defaultCalendar, toUtcIso, type Calendar } from '../domain/calendar';
import { badRequest } from '../http/errors';
import type { CalendarPatch } from '../schemas/api';
import type { AppContext } from './context';

/** The year's calendar as stored by an administrator, or the default one. */
export async function calendarOf(app: AppContext, year: number): Promise<Calendar> {
  return (await app.cycles.get(year))?.calendar ?? defaultCalendar(year);
}

/**
 * How old a calendar a command may be decided on. A milestone can only be moved to an
 * instant at least this far ahead (moveCalendar), so a calendar read this recently agrees
 * with the stored one on every milestone that has passed, which is all a command asks.
 */
export const CALENDAR_MAX_AGE_MS = 1_000;

/** calendarOf, as this container read it at most CALENDAR_MAX_AGE_MS ago (commands: no read per request). */
export async function recentCalendarOf(app: AppContext, year: number): Promise<Calendar> {
  return (await app.cycles.recent(year, CALENDAR_MAX_AGE_MS))?.calendar ?? defaultCalendar(year);
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
