import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { countyWarningAt, derivedReminders, stockholmDate, stockholmToUtc } from '../../shared/domain/calendar';
import {
  addDays,
  holidayNames,
  swedishHolidays,
  isWorkingDay,
  nonWorkingHolidays,
  weekday,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
  workingDaysBefore,
  type LocalDate,
} from '../../shared/domain/working-days';

const deadline = (y: number, m: number, d: number) => stockholmToUtc(y, m, d, 23, 59, 59);
const at9 = (y: number, m: number, d: number) => stockholmToUtc(y, m, d, 9, 0, 0);
const report = (y: number, m: number, d: number) => ({ countyReportAt: at9(y, m, d) });

describe('Swedish working days', () => {
  it('Saturday and Sunday are not working days; an ordinary weekday is', () => {
    expect(isWorkingDay([2027, 10, 30])).toBe(false); // Saturday
    expect(isWorkingDay([2027, 10, 31])).toBe(false); // Sunday
    expect(isWorkingDay([2027, 10, 29])).toBe(true); // Friday
    expect(weekday([2027, 8, 15])).toBe(0);
  });

  it('public holidays on weekdays are not working days: Easter, Ascension, National Day, Christmas, New Year', () => {
    for (const date of [
      [2027, 3, 26], // långfredagen
      [2027, 3, 29], // annandag påsk
      [2027, 5, 6], // Kristi himmelsfärdsdag
      [2028, 5, 1], // första maj (Monday)
      [2028, 6, 6], // nationaldagen (Tuesday)
      [2028, 12, 25], // juldagen (Monday)
      [2028, 12, 26], // annandag jul (Tuesday)
      [2029, 1, 1], // nyårsdagen (Monday)
      [2027, 1, 6], // trettondedag jul (Wednesday)
    ] as LocalDate[]) {
      expect(isWorkingDay(date), date.join('-')).toBe(false);
    }
  });

  it('midsommarafton, julafton and nyårsafton are de facto days off: not working days', () => {
    expect(holidayNames([2027, 6, 25])).toContain('midsommarafton');
    expect(isWorkingDay([2027, 6, 25])).toBe(false); // Friday
    expect(isWorkingDay([2027, 12, 24])).toBe(false); // julafton, Friday
    expect(isWorkingDay([2027, 12, 31])).toBe(false); // nyårsafton, Friday
    // The de facto days off are exactly these three, every year.
    for (let year = 2020; year <= 2040; year++) {
      const nonWorking = [...nonWorkingHolidays(year)];
      expect(nonWorking.filter((d) => holidayNames(toDate(d)).some((n) => /afton$/.test(n))).map((d) => holidayNames(toDate(d)).find((n) => /afton$/.test(n)))).toEqual([
        'midsommarafton',
        'julafton',
        'nyårsafton',
      ]);
    }
  });

  // The rules are written out in working-days.ts; date-holidays (a dev dependency, for this
  // test alone) is the reference: its public and bank holidays and its half days ('optional').
  it("agree with date-holidays' calendar for Sweden, every year from 2005 to 2200", () => {
    const reference = new Holidays('SE');
    const TYPE = { public: 'public', bank: 'bank', optional: 'half' } as Record<string, string>;
    for (let year = 2005; year <= 2200; year++) {
      const expected = reference
        .getHolidays(year)
        .filter((h) => h.type in TYPE)
        .map((h) => `${h.date.slice(0, 10)} ${TYPE[h.type]} ${h.name}`);
      expect(swedishHolidays(year).map((h) => `${h.date} ${h.type} ${h.name}`).sort(), String(year)).toEqual(expected.sort());
    }
  });

  it('half days and observances are working days: skärtorsdagen, annandag pingst, valborgsmässoafton, allhelgonaafton', () => {
    expect(isWorkingDay([2027, 3, 25])).toBe(true); // skärtorsdagen
    expect(isWorkingDay([2027, 5, 17])).toBe(true); // annandag pingst (not a holiday since 2005)
    expect(isWorkingDay([2027, 4, 30])).toBe(true); // valborgsmässoafton, Friday
    expect(isWorkingDay([2027, 11, 5])).toBe(true); // allhelgonaafton, Friday
  });

  it('moves forward and back to working days, across weekends and holidays', () => {
    expect(workingDayOnOrAfter([2027, 8, 15])).toEqual([2027, 8, 16]); // Sunday → Monday
    expect(workingDayOnOrAfter([2027, 8, 16])).toEqual([2027, 8, 16]);
    expect(workingDayOnOrAfter([2027, 3, 26])).toEqual([2027, 3, 30]); // Good Friday → Tuesday after Easter Monday
    expect(workingDayOnOrAfter([2027, 12, 24])).toEqual([2027, 12, 27]); // julafton (Friday) → Monday
    expect(workingDayOnOrBefore([2027, 10, 30])).toEqual([2027, 10, 29]); // Saturday → Friday
    expect(workingDayOnOrBefore([2027, 3, 29])).toEqual([2027, 3, 25]); // Easter Monday → skärtorsdagen
    expect(workingDayOnOrBefore([2028, 6, 24])).toEqual([2028, 6, 22]); // midsommardagen (Sat) → Thursday before midsommarafton
    expect(workingDayOnOrBefore([2029, 1, 1])).toEqual([2028, 12, 29]); // across the year: nyårsdagen → Friday 29 Dec
    expect(addDays([2028, 2, 28], 1)).toEqual([2028, 2, 29]);
  });

  it('counts working days back, the date itself not counted', () => {
    expect(workingDaysBefore([2027, 11, 15], 3)).toEqual([2027, 11, 10]);
    expect(workingDaysBefore([2027, 12, 28], 3)).toEqual([2027, 12, 22]); // Mon 27, (julafton off) Thu 23, Wed 22
    expect(workingDaysBefore([2027, 4, 1], 3)).toEqual([2027, 3, 25]); // over Easter
  });
});

describe('reminders derived from a deadline', () => {
  it('are 14 and 3 days before its date at 09:00', () => {
    expect(derivedReminders(deadline(2027, 11, 2))).toEqual(['2027-10-19T07:00:00Z', '2027-10-29T07:00:00Z']);
    expect(derivedReminders(deadline(2027, 11, 10))).toEqual([at9(2027, 10, 27), at9(2027, 11, 5)]);
  });

  it('move to the working day before when they fall on Allhelgonadagen (a Saturday)', () => {
    // Deadline Tuesday 7 Nov 2028: 3 days before is Saturday 4 Nov 2028, alla helgons dag → Friday 3 Nov.
    expect(holidayNames([2028, 11, 4])).toContain('alla helgons dag');
    expect(derivedReminders(deadline(2028, 11, 7))).toEqual([at9(2028, 10, 24), at9(2028, 11, 3)]);
  });

  it('move over Christmas, Midsummer and Easter', () => {
    // Deadline Tuesday 28 Dec 2027: 3 days before is Saturday 25 Dec (juldagen); Friday 24 is julafton → Thursday 23 Dec.
    expect(derivedReminders(deadline(2027, 12, 28))[1]).toBe(at9(2027, 12, 23));
    // Deadline Monday 28 Jun 2027: 3 days before is midsommarafton (Friday 25 Jun) → Thursday 24 Jun.
    expect(derivedReminders(deadline(2027, 6, 28))[1]).toBe(at9(2027, 6, 24));
    // Deadline Thursday 1 Apr 2027: 3 days before is annandag påsk (29 Mar) → skärtorsdagen 25 Mar.
    expect(derivedReminders(deadline(2027, 4, 1))[1]).toBe(at9(2027, 3, 25));
    // Deadline Friday 9 Apr 2027: 14 days before is Good Friday (26 Mar) → 25 Mar.
    expect(derivedReminders(deadline(2027, 4, 9))[0]).toBe(at9(2027, 3, 25));
  });

  it('use the Stockholm date of the deadline, whatever its offset', () => {
    // 2 Nov 2027 00:30 in Stockholm is 1 Nov 23:30 UTC: the Stockholm date counts.
    expect(stockholmDate('2027-11-01T23:30:00Z')).toEqual([2027, 11, 2]);
    expect(derivedReminders('2027-11-01T23:30:00Z')).toEqual(derivedReminders(deadline(2027, 11, 2)));
  });
});

describe('the county warning', () => {
  it('is 3 working days before the county report date, at 09:00 Stockholm time', () => {
    expect(countyWarningAt(report(2027, 11, 15))).toBe('2027-11-10T08:00:00Z'); // Monday → Wednesday before
    expect(countyWarningAt(report(2027, 11, 18))).toBe(at9(2027, 11, 15)); // Thursday → Monday
  });

  it('skips holidays: over Allhelgonadagen, Christmas and Easter', () => {
    // Report Tuesday 7 Nov 2028: Mon 6, Fri 3, Thu 2 (Saturday 4 Nov is alla helgons dag, a weekend day anyway).
    expect(countyWarningAt(report(2028, 11, 7))).toBe(at9(2028, 11, 2));
    // Report Wednesday 29 Dec 2027: Tue 28, Mon 27, Thu 23 (julafton Friday 24 is off).
    expect(countyWarningAt(report(2027, 12, 29))).toBe(at9(2027, 12, 23));
    // Report Wednesday 31 Mar 2027: Tue 30, Thu 25, Wed 24 (Good Friday and Easter Monday are off).
    expect(countyWarningAt(report(2027, 3, 31))).toBe(at9(2027, 3, 24));
  });
});

function toDate(iso: string): LocalDate {
  const [y, m, d] = iso.split('-').map(Number);
  return [y!, m!, d!];
}
