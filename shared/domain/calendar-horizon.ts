import { CALENDAR_LABELS as LABELS, reminderLabel, type Calendar } from './calendar';
import { stockholmFormat } from './stockholm-time';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How far after the year's start its calendar may reach. One Step Functions Standard
 * execution runs the year and lives at most a year (365 days); a milestone later than that
 * could never be acted on. The 15 days' margin covers the last act with its retries, the
 * 4-hour wait cap (a moved milestone is seen at most that late) and the days of a year that
 * starts on a summer-time date and ends on a winter-time one.
 */
const CALENDAR_HORIZON_DAYS = 350;

const LONG_DATE = stockholmFormat('sv-SE', { dateStyle: 'long' });
const dateOf = (instant: number): string => LONG_DATE().format(instant);

/**
 * Why a calendar reaches beyond what the year's execution, started at `start`, can wait,
 * in Swedish (empty: every instant is within CALENDAR_HORIZON_DAYS of the start; the window's
 * close, a second after the deadline, is inside the margin). Assumes a calendar without
 * calendarProblems.
 */
export function beyondHorizonProblems(calendar: Calendar, start: string): string[] {
  const limit = Date.parse(start) + CALENDAR_HORIZON_DAYS * DAY_MS;
  const instants: [string, string][] = [
    [LABELS.publishAt, calendar.publishAt],
    ...calendar.reminders.map((r, i): [string, string] => [reminderLabel(i), r]),
    [LABELS.deadline, calendar.deadline],
    [LABELS.countyReportAt, calendar.countyReportAt],
    [LABELS.finalizeAt, calendar.finalizeAt],
  ];
  return instants
    .filter(([, at]) => Date.parse(at) > limit)
    .map(
      ([label, at]) =>
        `${label} ligger ${dateOf(Date.parse(at))}, mer än ${CALENDAR_HORIZON_DAYS} dagar efter årets start ${dateOf(Date.parse(start))}; ` +
        `årets arbetsflöde kan inte vänta så länge. Välj en tidpunkt senast ${dateOf(limit)}.`,
    );
}
