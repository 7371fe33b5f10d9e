import Holidays from 'date-holidays';

/**
 * Swedish working days, pure (date-holidays is a library of rules, no I/O): Monday to Friday,
 * except the days date-holidays (country SE) gives as
 *  - 'public': the public holidays of the law (lag 1989:253 om allmänna helgdagar), e.g.
 *    långfredagen, annandag påsk, Kristi himmelsfärdsdag, nationaldagen, juldagen;
 *  - 'bank': midsommarafton, julafton and nyårsafton, which are not holidays by law but are
 *    de facto days off in Sweden (offices and banks closed); a careful Swedish reader would
 *    not expect a notice to be sent, or a date to fall, on one of them.
 * Half days ('optional': trettondagsafton, valborgsmässoafton, allhelgonaafton, from 12:00)
 * are working days: 09:00 is before they begin. Observances (skärtorsdagen, annandag pingst
 * since 2005, …) are working days.
 *
 * Dates are Stockholm calendar dates as [year, month, day].
 */
export type LocalDate = readonly [year: number, month: number, day: number];

export const NON_WORKING_HOLIDAY_TYPES: readonly string[] = ['public', 'bank'];

/** One date-holidays instance per process, created on first use (its rules are parsed then). */
let holidays: Holidays | undefined;
/** 'YYYY-MM-DD' of each year's non-working holidays, computed once per year. */
const nonWorkingByYear = new Map<number, ReadonlySet<string>>();

/** The non-working holidays of a year, as 'YYYY-MM-DD' (any weekday). */
export function nonWorkingHolidays(year: number): ReadonlySet<string> {
  let dates = nonWorkingByYear.get(year);
  if (!dates) {
    holidays ??= new Holidays('SE');
    dates = new Set(
      holidays
        .getHolidays(year)
        .filter((h) => NON_WORKING_HOLIDAY_TYPES.includes(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    nonWorkingByYear.set(year, dates);
  }
  return dates;
}

/** The holiday names of a date (all types), for tests and messages: e.g. ['alla helgons dag']. */
export function holidayNames(date: LocalDate): string[] {
  holidays ??= new Holidays('SE');
  return holidays
    .getHolidays(date[0])
    .filter((h) => h.date.slice(0, 10) === isoDate(date))
    .map((h) => h.name);
}

export function isoDate([year, month, day]: LocalDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday([year, month, day]: LocalDate): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCDay();
}

export function isWorkingDay(date: LocalDate): boolean {
  const w = weekday(date);
  return w !== 0 && w !== 6 && !nonWorkingHolidays(date[0]).has(isoDate(date));
}

/** The date n days from a date (n may be negative). */
export function addDays([year, month, day]: LocalDate, n: number): LocalDate {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day + n);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** The date itself if it is a working day, else the next working day after it. */
export function workingDayOnOrAfter(date: LocalDate): LocalDate {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** The date itself if it is a working day, else the last working day before it. */
export function workingDayOnOrBefore(date: LocalDate): LocalDate {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, -1);
  return d;
}

/** The n-th working day before a date (the date itself not counted): 3 before Monday 15 Nov 2027 is Wednesday 10 Nov. */
export function workingDaysBefore(date: LocalDate, n: number): LocalDate {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}
