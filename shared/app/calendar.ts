import { calendarProblems, defaultCalendar, derivedReminders, toUtcIso, type Calendar } from '../domain/calendar';
import { Invalid } from './errors';
import type { CalendarPatch } from '../schemas/api';
import type { AppContext } from './context';

/** The year's calendar as stored by an administrator, or the default one. */
export async function calendarOf(app: Pick<AppContext, 'cycles'>, year: number): Promise<Calendar> {
  return (await app.cycles.get(year))?.calendar ?? defaultCalendar(year);
}

/**
 * How old a calendar a command may be decided on. A milestone can only be moved to an
 * instant at least this far ahead (moveCalendar), so a calendar read this recently agrees
 * with the stored one on every milestone that has passed, which is all a command asks.
 */
export const CALENDAR_MAX_AGE_MS = 1_000;

/** calendarOf, as this container read it at most CALENDAR_MAX_AGE_MS ago (commands: no read per request). */
export async function recentCalendarOf(app: Pick<AppContext, 'cycles'>, year: number): Promise<Calendar> {
  return (await app.cycles.recent(year, CALENDAR_MAX_AGE_MS))?.calendar ?? defaultCalendar(year);
}

/**
 * A calendar with some fields replaced, checked (400 INVALID_CALENDAR with every problem
 * in Swedish) and normalised to whole-second UTC instants, as the workflow waits on them.
 */
function mergeCalendar(base: Calendar, patch: CalendarPatch = {}): Calendar {
  const merged = { ...base, ...patch };
  const problems = calendarProblems(merged);
  if (problems.length > 0) throw new Invalid('INVALID_CALENDAR', 'Kalendern är ogiltig.', problems);
  return {
    publishAt: toUtcIso(merged.publishAt),
    reminders: merged.reminders.map(toUtcIso),
    deadline: toUtcIso(merged.deadline),
    countyReportAt: toUtcIso(merged.countyReportAt),
    finalizeAt: toUtcIso(merged.finalizeAt),
  };
}

/** A calendar with whether its reminders were set explicitly (else they follow the deadline). */
export interface StoredCalendar {
  calendar: Calendar;
  remindersExplicit?: boolean | undefined;
}

/**
 * Lays a patch over a stored calendar, and with it the reminders' rule: a patch that names
 * `reminders` makes them explicit (they stay where they are set); otherwise, while they are
 * derived, a patch that moves the deadline recomputes them (14 and 3 days before the new
 * deadline, 09:00, the working day before if needed). Reminders that have passed (`passedBy`:
 * at or before that instant) stay as they are: they have been sent. A recomputed reminder that
 * would lie at or before `passedBy`, or outside the window (publication → deadline), is left
 * out. Checked and normalised like mergeCalendar.
 */
export function patchCalendar(stored: StoredCalendar, patch: CalendarPatch = {}, passedBy?: string): Required<StoredCalendar> {
  const remindersExplicit = Boolean(stored.remindersExplicit) || patch.reminders !== undefined;
  const deadline = patch.deadline === undefined ? undefined : utcOrUndefined(patch.deadline);
  if (remindersExplicit || deadline === undefined || deadline === utcOrUndefined(stored.calendar.deadline)) {
    // An invalid deadline is reported by mergeCalendar, with every other problem.
    return { calendar: mergeCalendar(stored.calendar, patch), remindersExplicit };
  }
  const publishAt = utcOrUndefined(patch.publishAt ?? stored.calendar.publishAt) ?? '';
  const cutoff = passedBy === undefined ? -Infinity : Date.parse(passedBy);
  const sent = stored.calendar.reminders.map(utcOrUndefined).filter((r): r is string => r !== undefined && Date.parse(r) <= cutoff);
  const ahead = derivedReminders(deadline).filter((r) => Date.parse(r) > cutoff && r > publishAt && r < deadline && !sent.includes(r));
  return { calendar: mergeCalendar(stored.calendar, { ...patch, reminders: [...sent, ...ahead].sort() }), remindersExplicit };
}

function utcOrUndefined(instant: string): string | undefined {
  try {
    return toUtcIso(instant);
  } catch {
    return undefined;
  }
}
