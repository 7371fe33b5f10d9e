/**
 * Swedish working days, pure: Monday to Friday, except
 *  - the public holidays of the law (lag 1989:253 om allmänna helgdagar, as it reads since
 *    2005): nyårsdagen, trettondedag jul, långfredagen, påskdagen, annandag påsk, första maj,
 *    Kristi himmelsfärdsdag, pingstdagen, nationaldagen, midsommardagen, alla helgons dag,
 *    juldagen, annandag jul;
 *  - midsommarafton, julafton and nyårsafton, which are not holidays by law but are de facto
 *    days off in Sweden (offices and banks closed); a careful Swedish reader would not expect
 *    a notice to be sent, or a date to fall, on one of them.
 * Half days (trettondagsafton, valborgsmässoafton, allhelgonaafton, from 12:00) are working
 * days: 09:00 is before they begin; so are skärtorsdagen and annandag pingst (a holiday until
 * 2005). The rules are written out here rather than taken from a holiday library: a library of
 * every country's calendars (date-holidays: 1.4 MB bundled, with its time zone data) would be
 * most of every Lambda bundle and of its start; a test holds these rules to date-holidays'
 * calendar for Sweden.
 *
 * Dates are Stockholm calendar dates as [year, month, day].
 */
export type LocalDate = readonly [year: number, month: number, day: number];

/** A Swedish holiday: 'public' by law, 'bank' a de facto day off, 'half' a working day off from 12:00. */
export interface Holiday {
  date: string;
  name: string;
  type: 'public' | 'bank' | 'half';
}

const NON_WORKING_HOLIDAY_TYPES: readonly Holiday['type'][] = ['public', 'bank'];

/** The holidays of a year, computed once per year. */
const holidaysByYear = new Map<number, readonly Holiday[]>();
/** 'YYYY-MM-DD' of each year's non-working holidays. */
const nonWorkingByYear = new Map<number, ReadonlySet<string>>();

/** The Swedish holidays of a year (2005 onwards: nationaldagen replaced annandag pingst), in date order. */
export function swedishHolidays(year: number): readonly Holiday[] {
  let holidays = holidaysByYear.get(year);
  if (!holidays) {
    const easter = easterSunday(year);
    const on = (month: number, day: number): LocalDate => [year, month, day];
    /** The given weekday (0 = Sunday) on or after a date: midsommar and alla helgon fall on a Saturday in a window. */
    const weekdayFrom = (date: LocalDate, wanted: number) => addDays(date, (wanted - weekday(date) + 7) % 7);
    const list: [LocalDate, string, Holiday['type']][] = [
      [on(1, 1), 'nyårsdagen', 'public'],
      [on(1, 5), 'trettondagsafton', 'half'],
      [on(1, 6), 'trettondedag jul', 'public'],
      [addDays(easter, -2), 'långfredagen', 'public'],
      [easter, 'påskdagen', 'public'],
      [addDays(easter, 1), 'annandag påsk', 'public'],
      [on(4, 30), 'valborgsmässoafton', 'half'],
      [on(5, 1), 'första maj', 'public'],
      [addDays(easter, 39), 'Kristi himmelsfärdsdag', 'public'],
      [addDays(easter, 49), 'pingstdagen', 'public'],
      [on(6, 6), 'nationaldagen', 'public'],
      [weekdayFrom(on(6, 19), 5), 'midsommarafton', 'bank'],
      [weekdayFrom(on(6, 20), 6), 'midsommardagen', 'public'],
      [weekdayFrom(on(10, 30), 5), 'allhelgonaafton', 'half'],
      [weekdayFrom(on(10, 31), 6), 'alla helgons dag', 'public'],
      [on(12, 24), 'julafton', 'bank'],
      [on(12, 25), 'juldagen', 'public'],
      [on(12, 26), 'annandag jul', 'public'],
      [on(12, 31), 'nyårsafton', 'bank'],
    ];
    holidays = list.map(([date, name, type]) => ({ date: isoDate(date), name, type })).sort((a, b) => a.date.localeCompare(b.date));
    holidaysByYear.set(year, holidays);
  }
  return holidays;
}

/** The non-working holidays of a year, as 'YYYY-MM-DD' (any weekday). */
export function nonWorkingHolidays(year: number): ReadonlySet<string> {
  let dates = nonWorkingByYear.get(year);
  if (!dates) {
    dates = new Set(
      swedishHolidays(year)
        .filter((h) => NON_WORKING_HOLIDAY_TYPES.includes(h.type))
        .map((h) => h.date),
    );
    nonWorkingByYear.set(year, dates);
  }
  return dates;
}

/** The holiday names of a date, for tests and messages: e.g. ['alla helgons dag']. */
export function holidayNames(date: LocalDate): string[] {
  return swedishHolidays(date[0])
    .filter((h) => h.date === isoDate(date))
    .map((h) => h.name);
}

/** Easter Sunday of a Gregorian year (the anonymous Gregorian computus, "Meeus/Jones/Butcher"). */
function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [year, month, day];
}

function isoDate([year, month, day]: LocalDate): string {
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
