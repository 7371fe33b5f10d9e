/**
 * Yearly calendar for the redistribution of assignment shares.
 * Pure: no I/O, no clock. All instants are UTC ISO strings ending in 'Z' with whole seconds;
 * local times are Europe/Stockholm, converted via the platform's tz database (Intl).
 *
 * Working days (working-days.ts, Sweden's holidays): the default publication moves to the
 * next working day, the reminders derived from a deadline to the working day before, and the
 * county warning lies 3 working days before the county report date. The deadline itself stays
 * the date set (2 November 23:59:59), also on a weekend. Instants an administrator sets are
 * taken as given.
 */
import { defaultDeadline } from './default-deadline';
import { SECOND, formatUtc, isValidDateTime, offsetAt, stockholmToUtc, wallMs } from './stockholm-time';
import { addDays as addLocalDays, workingDayOnOrAfter, workingDayOnOrBefore, workingDaysBefore, type LocalDate } from './working-days';

export interface Calendar {
  publishAt: string;
  reminders: string[];
  deadline: string;
  countyReportAt: string;
  finalizeAt: string;
}

export type MilestoneName = 'publish' | 'reminder' | 'deadline' | 'countyReport' | 'finalize';

export { TIME_ZONE, stockholmToUtc } from './stockholm-time';

/** The Stockholm calendar date of an instant. */
export function stockholmDate(instant: string): LocalDate {
  const t = Math.floor(parseInstant(instant) / SECOND) * SECOND;
  const d = new Date(t + offsetAt(t));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** 09:00 Stockholm time on a date. */
const at9 = (date: LocalDate): string => stockholmToUtc(date[0], date[1], date[2], 9, 0, 0);

/** Days before the deadline's date on which the reminders go out, at 09:00 (docs/DESIGN.md "Calendar"). */
const REMINDER_DAYS_BEFORE_DEADLINE: readonly number[] = [14, 3];
/** Working days before the county report date on which a county with undecided proposals is warned, at 09:00. */
const COUNTY_WARNING_WORKING_DAYS = 3;

/**
 * The reminders that follow a deadline: 14 and 3 days before its (Stockholm) date at 09:00,
 * each moved to the working day before when that day is a weekend or a holiday.
 */
export function derivedReminders(deadline: string): string[] {
  const date = stockholmDate(deadline);
  return REMINDER_DAYS_BEFORE_DEADLINE.map((days) => at9(workingDayOnOrBefore(addLocalDays(date, -days))));
}

/** When a county with agreed proposals still undecided is warned: 3 working days before the county report date, 09:00. */
export function countyWarningAt(calendar: Pick<Calendar, 'countyReportAt'>): string {
  return at9(workingDaysBefore(stockholmDate(calendar.countyReportAt), COUNTY_WARNING_WORKING_DAYS));
}

const defaults = new Map<number, Calendar>();

/**
 * The statutory calendar of a share year, computed once per year and process (Intl's time-zone
 * lookups are slow): a copy of the memoised one.
 */
export function defaultCalendar(shareYear: number): Calendar {
  let calendar = defaults.get(shareYear);
  if (!calendar) defaults.set(shareYear, (calendar = computeDefaultCalendar(shareYear)));
  return { ...calendar, reminders: [...calendar.reminders] };
}

function computeDefaultCalendar(shareYear: number): Calendar {
  if (!Number.isInteger(shareYear) || shareYear < 1001 || shareYear > 9999) {
    throw new RangeError(`Invalid share year: ${shareYear}`);
  }
  const y = shareYear - 1; // the whole process runs in the year before the share year
  const deadline = defaultDeadline(shareYear);
  return {
    publishAt: at9(workingDayOnOrAfter([y, 8, 15])),
    reminders: derivedReminders(deadline),
    deadline,
    countyReportAt: at9([y, 11, 15]),
    finalizeAt: at9([y, 12, 15]),
  };
}

const ISO_INSTANT = new RegExp(
  '^(?<y>\\d{4})-(?<mo>\\d{2})-(?<d>\\d{2})T(?<h>\\d{2}):(?<mi>\\d{2})(?::(?<s>\\d{2})(?:[.,](?<frac>\\d{1,9}))?)?' +
    '(?:Z|(?<sign>[+-])(?<oh>\\d{2}):(?<om>\\d{2}))$',
);

/** Epoch ms (fraction floored to ms) of an ISO-8601 instant that carries 'Z' or ±HH:MM. */
function parseInstant(instant: string): number {
  const g = (typeof instant === 'string' ? ISO_INSTANT.exec(instant) : null)?.groups;
  if (!g) throw new RangeError(`Not an ISO-8601 instant with offset: ${String(instant)}`);
  const n = (key: string) => Number(g[key] ?? 0);
  const [y, mo, d, h, mi, s] = [n('y'), n('mo'), n('d'), n('h'), n('mi'), n('s')] as const;
  if (!isValidDateTime(y, mo, d, h, mi, s) || n('oh') > 23 || n('om') > 59) {
    throw new RangeError(`Invalid ISO-8601 instant: ${instant}`);
  }
  const ms = Number((g.frac ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (g.sign === '-' ? -1 : 1) * (n('oh') * 60 + n('om')) * 60 * SECOND;
  return wallMs(y, mo, d, h, mi, s) + ms - offset;
}

export function toUtcIso(instant: string): string {
  return formatUtc(parseInstant(instant));
}

export function windowClosesAt(calendar: Pick<Calendar, 'deadline'>): string {
  // The deadline second itself is inside the window, so it closes one second later.
  return formatUtc(Date.parse(toUtcIso(calendar.deadline)) + SECOND);
}

export function isWithinWindow(calendar: Pick<Calendar, 'publishAt' | 'deadline'>, now: string): boolean {
  const t = parseInstant(now);
  return parseInstant(calendar.publishAt) <= t && t < Date.parse(windowClosesAt(calendar));
}

/** Milestones for the workflow; assumes a calendar without calendarProblems (reminders are sorted anyway). */
export function milestones(calendar: Calendar): { name: MilestoneName; at: string }[] {
  const reminders = calendar.reminders.map(toUtcIso).sort();
  return [
    { name: 'publish', at: toUtcIso(calendar.publishAt) },
    ...reminders.map((at) => ({ name: 'reminder' as const, at })),
    { name: 'deadline', at: windowClosesAt(calendar) },
    { name: 'countyReport', at: toUtcIso(calendar.countyReportAt) },
    { name: 'finalize', at: toUtcIso(calendar.finalizeAt) },
  ];
}

/** How a calendar's fields are named in refusals (Swedish, with the field's API name). */
export const CALENDAR_LABELS = {
  publishAt: 'Publiceringstidpunkten (publishAt)',
  deadline: 'Sista svarsdag (deadline)',
  countyReportAt: 'Länsrapporten (countyReportAt)',
  finalizeAt: 'Fastställandet (finalizeAt)',
} as const;

export const reminderLabel = (i: number) => `Påminnelse ${i + 1} (reminders[${i}])`;

/** Normalised value, or undefined after recording why it is unusable. */
function checkInstant(value: unknown, label: string, problems: string[]): string | undefined {
  if (value === undefined || value === null || value === '') {
    problems.push(`${label} saknas.`);
    return undefined;
  }
  try {
    return toUtcIso(value as string);
  } catch {
    problems.push(`${label} är inte en giltig tidpunkt med tidszon (ISO 8601): ${JSON.stringify(value)}.`);
    return undefined;
  }
}

/** Records a problem unless a < b; skipped when either side is already invalid. */
function checkBefore(a: string | undefined, aLabel: string, b: string | undefined, bLabel: string, problems: string[]): void {
  if (a !== undefined && b !== undefined && !(a < b)) {
    problems.push(`${aLabel} måste vara före ${bLabel.charAt(0).toLowerCase()}${bLabel.slice(1)}.`);
  }
}

export function calendarProblems(calendar: Calendar): string[] {
  const problems: string[] = [];
  const c = (calendar ?? {}) as Partial<Record<keyof Calendar, unknown>>;
  const publishAt = checkInstant(c.publishAt, CALENDAR_LABELS.publishAt, problems);
  const deadline = checkInstant(c.deadline, CALENDAR_LABELS.deadline, problems);
  const countyReportAt = checkInstant(c.countyReportAt, CALENDAR_LABELS.countyReportAt, problems);
  const finalizeAt = checkInstant(c.finalizeAt, CALENDAR_LABELS.finalizeAt, problems);

  let reminders: (string | undefined)[] = [];
  if (c.reminders === undefined) problems.push('Påminnelser (reminders) saknas.');
  else if (!Array.isArray(c.reminders)) problems.push('Påminnelser (reminders) måste vara en lista.');
  else reminders = c.reminders.map((r, i) => checkInstant(r, reminderLabel(i), problems));

  // Normalised strings share one fixed format, so string order is time order.
  checkBefore(publishAt, CALENDAR_LABELS.publishAt, deadline, CALENDAR_LABELS.deadline, problems);
  reminders.forEach((r, i) => {
    checkBefore(publishAt, CALENDAR_LABELS.publishAt, r, reminderLabel(i), problems);
    checkBefore(r, reminderLabel(i), deadline, CALENDAR_LABELS.deadline, problems);
    if (i > 0) checkBefore(reminders[i - 1], reminderLabel(i - 1), r, reminderLabel(i), problems);
  });
  checkBefore(deadline, CALENDAR_LABELS.deadline, countyReportAt, CALENDAR_LABELS.countyReportAt, problems);
  checkBefore(countyReportAt, CALENDAR_LABELS.countyReportAt, finalizeAt, CALENDAR_LABELS.finalizeAt, problems);
  return problems;
}
