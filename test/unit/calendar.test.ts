import { describe, it, expect } from 'vitest';
import {
  TIME_ZONE,
  calendarProblems,
  countyWarningAt,
  defaultCalendar,
  stockholmDate,
  isWithinWindow,
  milestones,
  stockholmToUtc,
  toUtcIso,
  windowClosesAt,
  type Calendar,
} from '../../shared/domain/calendar.js';
import { weekday } from '../../shared/domain/working-days.js';

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const cal2022: Calendar = {
  publishAt: '2021-08-15T07:00:00Z',
  reminders: ['2021-10-19T07:00:00Z', '2021-10-30T07:00:00Z'],
  deadline: '2021-11-02T22:59:59Z',
  countyReportAt: '2021-11-15T08:00:00Z',
  finalizeAt: '2021-12-15T08:00:00Z',
};

describe('stockholmToUtc', () => {
  it('uses CEST in summer and CET in winter', () => {
    expect(TIME_ZONE).toBe('Europe/Stockholm');
    expect(stockholmToUtc(2021, 8, 15, 9, 0, 0)).toBe('2021-08-15T07:00:00Z');
    expect(stockholmToUtc(2021, 12, 15, 9, 0, 0)).toBe('2021-12-15T08:00:00Z');
  });

  it('spring forward (28 Mar 2021, 02:00 → 03:00): nonexistent time moves forward by the gap', () => {
    expect(stockholmToUtc(2021, 3, 28, 1, 59, 59)).toBe('2021-03-28T00:59:59Z');
    expect(stockholmToUtc(2021, 3, 28, 2, 30, 0)).toBe('2021-03-28T01:30:00Z'); // = 03:30 CEST
    expect(stockholmToUtc(2021, 3, 28, 3, 0, 0)).toBe('2021-03-28T01:00:00Z');
    expect(stockholmToUtc(2021, 3, 28, 9, 0, 0)).toBe('2021-03-28T07:00:00Z');
  });

  it('fall back (31 Oct 2021, 03:00 → 02:00): ambiguous time is the first occurrence', () => {
    expect(stockholmToUtc(2021, 10, 31, 1, 59, 59)).toBe('2021-10-30T23:59:59Z');
    expect(stockholmToUtc(2021, 10, 31, 2, 30, 0)).toBe('2021-10-31T00:30:00Z'); // CEST occurrence
    expect(stockholmToUtc(2021, 10, 31, 3, 0, 0)).toBe('2021-10-31T02:00:00Z');
    expect(stockholmToUtc(2021, 10, 31, 9, 0, 0)).toBe('2021-10-31T08:00:00Z');
  });

  it('round-trips 09:00 and 23:59:59 on every day of a year through Intl', () => {
    const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, timeStyle: 'medium', hourCycle: 'h23' });
    for (let day = 0; day < 365; day++) {
      const d = new Date(Date.UTC(2021, 0, 1 + day));
      const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      expect(fmt.format(new Date(stockholmToUtc(y, m, dd, 9, 0, 0)))).toBe('09:00:00');
      expect(fmt.format(new Date(stockholmToUtc(y, m, dd, 23, 59, 59)))).toBe('23:59:59');
    }
  });

  it('rejects impossible local dates', () => {
    expect(() => stockholmToUtc(2021, 2, 29, 9, 0, 0)).toThrow(RangeError);
    expect(() => stockholmToUtc(2021, 13, 1, 9, 0, 0)).toThrow(RangeError);
    expect(() => stockholmToUtc(2021, 1, 1, 24, 0, 0)).toThrow(RangeError);
    expect(() => stockholmToUtc(2021, 1, 1, 9, 0.5, 0)).toThrow(RangeError);
  });
});

describe('defaultCalendar', () => {
  it('share year 2022 runs in 2021, publication and the 3-day reminder on working days', () => {
    // 15 Aug 2021 is a Sunday (→ Monday 16 Aug); 30 Oct 2021 a Saturday (→ Friday 29 Oct).
    expect(defaultCalendar(2022)).toEqual({ ...cal2022, publishAt: '2021-08-16T07:00:00Z', reminders: ['2021-10-19T07:00:00Z', '2021-10-29T07:00:00Z'] });
  });

  it('share year 2028: publication Monday 16 Aug 2027, reminders Tuesday 19 and Friday 29 Oct, the deadline on its date', () => {
    expect(defaultCalendar(2028)).toEqual({
      publishAt: '2027-08-16T07:00:00Z', // Sunday 15 Aug → Monday 16 Aug 09:00 CEST
      reminders: ['2027-10-19T07:00:00Z', '2027-10-29T07:00:00Z'], // Saturday 30 Oct → Friday 29 Oct 09:00 CEST
      deadline: '2027-11-02T22:59:59Z', // Tuesday 2 Nov 23:59:59 CET
      countyReportAt: '2027-11-15T08:00:00Z',
      finalizeAt: '2027-12-15T08:00:00Z',
    });
    // 3 working days before Monday 15 Nov: Wednesday 10 Nov 09:00 CET.
    expect(countyWarningAt(defaultCalendar(2028))).toBe('2027-11-10T08:00:00Z');
  });

  it('keeps the deadline on its date even on a weekend (2 Nov 2030 is a Saturday)', () => {
    const cal = defaultCalendar(2031);
    expect(cal.deadline).toBe('2030-11-02T22:59:59Z');
    expect(weekday(stockholmDate(cal.deadline))).toBe(6);
    // 14 days before: Saturday 19 Oct → Friday 18 Oct; 3 days before: Wednesday 30 Oct (after summer time ended on 27 Oct: 08:00Z).
    expect(cal.reminders).toEqual(['2030-10-18T07:00:00Z', '2030-10-30T08:00:00Z']);
  });

  it('share year 2030: the 3-day reminder (Tuesday 30 Oct 2029) falls after summer time ended on 28 Oct', () => {
    expect(defaultCalendar(2030).reminders).toEqual(['2029-10-19T07:00:00Z', '2029-10-30T08:00:00Z']);
    expect(defaultCalendar(2030).deadline).toBe('2029-11-02T22:59:59Z');
  });

  it('is memoised: the same values, a fresh copy each time, and cheap after the first call', () => {
    const first = defaultCalendar(2028);
    first.reminders.push('x');
    first.publishAt = 'y';
    expect(defaultCalendar(2028)).toEqual(defaultCalendar(2028));
    expect(defaultCalendar(2028).publishAt).toBe('2027-08-16T07:00:00Z');
    expect(defaultCalendar(2028).reminders).toHaveLength(2);
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) defaultCalendar(2028);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('produces only whole-second UTC strings and a calendar without problems', () => {
    for (let year = 2020; year <= 2040; year++) {
      const cal = defaultCalendar(year);
      const values = [cal.publishAt, ...cal.reminders, cal.deadline, cal.countyReportAt, cal.finalizeAt];
      values.forEach((v) => expect(v).toMatch(UTC_SECONDS));
      expect(calendarProblems(cal)).toEqual([]);
      milestones(cal).forEach((m) => expect(m.at).toMatch(UTC_SECONDS));
      expect(windowClosesAt(cal)).toMatch(UTC_SECONDS);
    }
  });

  it('rejects a non-integer share year', () => {
    expect(() => defaultCalendar(2022.5)).toThrow(RangeError);
  });
});

describe('window', () => {
  it('closes one second after the deadline', () => {
    expect(windowClosesAt(cal2022)).toBe('2021-11-02T23:00:00Z');
    expect(windowClosesAt({ deadline: '2021-11-02T23:59:59+01:00' })).toBe('2021-11-02T23:00:00Z');
  });

  it('is decided to the millisecond', () => {
    expect(isWithinWindow(cal2022, '2021-11-02T22:59:59.999Z')).toBe(true);
    expect(isWithinWindow(cal2022, '2021-11-02T23:00:00.000Z')).toBe(false);
    expect(isWithinWindow(cal2022, '2021-08-15T06:59:59.999Z')).toBe(false);
    expect(isWithinWindow(cal2022, '2021-08-15T07:00:00.000Z')).toBe(true);
    expect(isWithinWindow(cal2022, '2021-11-02T23:59:59.999+01:00')).toBe(true);
    expect(isWithinWindow(cal2022, '2021-11-03T00:00:00+01:00')).toBe(false);
  });

  it('throws for an invalid now', () => {
    expect(() => isWithinWindow(cal2022, '2021-10-01T12:00:00')).toThrow(RangeError);
  });
});

describe('milestones', () => {
  it('lists the workflow steps in time order, with the deadline step at window close', () => {
    const list = milestones(cal2022);
    expect(list).toEqual([
      { name: 'publish', at: '2021-08-15T07:00:00Z' },
      { name: 'reminder', at: '2021-10-19T07:00:00Z' },
      { name: 'reminder', at: '2021-10-30T07:00:00Z' },
      { name: 'deadline', at: '2021-11-02T23:00:00Z' },
      { name: 'countyReport', at: '2021-11-15T08:00:00Z' },
      { name: 'finalize', at: '2021-12-15T08:00:00Z' },
    ]);
    const times = list.map((m) => m.at);
    expect([...times].sort()).toEqual(times);
  });

  it('normalises offsets and orders reminders', () => {
    const list = milestones({
      ...cal2022,
      publishAt: '2021-08-15T09:00:00+02:00',
      reminders: ['2021-10-30T09:00:00+02:00', '2021-10-19T07:00:00Z'],
    });
    expect(list.slice(0, 3).map((m) => m.at)).toEqual([
      '2021-08-15T07:00:00Z',
      '2021-10-19T07:00:00Z',
      '2021-10-30T07:00:00Z',
    ]);
  });
});

describe('toUtcIso', () => {
  it('normalises offsets to Z with whole seconds, flooring milliseconds', () => {
    expect(toUtcIso('2027-08-15T09:00:00+02:00')).toBe('2027-08-15T07:00:00Z');
    expect(toUtcIso('2027-01-15T09:00:00+01:00')).toBe('2027-01-15T08:00:00Z');
    expect(toUtcIso('2027-01-15T09:00:00-05:30')).toBe('2027-01-15T14:30:00Z');
    expect(toUtcIso('2021-11-02T22:59:59.999Z')).toBe('2021-11-02T22:59:59Z');
    expect(toUtcIso('2021-11-02T22:59:59.123456789Z')).toBe('2021-11-02T22:59:59Z');
    expect(toUtcIso('2021-11-02T22:59Z')).toBe('2021-11-02T22:59:00Z');
    expect(toUtcIso('2021-12-31T23:30:00-01:00')).toBe('2022-01-01T00:30:00Z');
  });

  it('throws RangeError for invalid instants or missing offset', () => {
    for (const bad of [
      '2027-08-15T09:00:00', // no offset
      '2027-08-15',
      '2027-02-30T09:00:00Z',
      '2027-08-15T25:00:00Z',
      '2027-08-15T09:60:00Z',
      '2027-08-15T09:00:00+2:00',
      '2027-08-15 09:00:00Z',
      'not a date',
      '',
    ]) {
      expect(() => toUtcIso(bad), bad).toThrow(RangeError);
    }
  });
});

describe('calendarProblems', () => {
  it('accepts valid calendars, including offsets and no reminders', () => {
    expect(calendarProblems(cal2022)).toEqual([]);
    expect(calendarProblems({ ...cal2022, publishAt: '2021-08-15T09:00:00+02:00', reminders: [] })).toEqual([]);
  });

  it('reports unparseable and missing values', () => {
    const problems = calendarProblems({
      ...cal2022,
      publishAt: '2021-08-15 09:00',
      reminders: ['2021-10-19T07:00:00Z', 'igår'],
      finalizeAt: undefined as unknown as string,
    });
    expect(problems).toEqual([
      'Publiceringstidpunkten (publishAt) är inte en giltig tidpunkt med tidszon (ISO 8601): "2021-08-15 09:00".',
      'Fastställandet (finalizeAt) saknas.',
      'Påminnelse 2 (reminders[1]) är inte en giltig tidpunkt med tidszon (ISO 8601): "igår".',
    ]);
  });

  it('reports a reminder outside the window and unsorted reminders', () => {
    const problems = calendarProblems({
      ...cal2022,
      reminders: ['2021-10-30T07:00:00Z', '2021-10-19T07:00:00Z', '2021-11-02T23:59:59+01:00'],
    });
    expect(problems).toEqual([
      'Påminnelse 1 (reminders[0]) måste vara före påminnelse 2 (reminders[1]).',
      'Påminnelse 3 (reminders[2]) måste vara före sista svarsdag (deadline).',
    ]);
  });

  it('reports wrong order of the main dates, comparing normalised instants', () => {
    expect(
      calendarProblems({
        ...cal2022,
        reminders: [],
        deadline: '2021-08-15T09:00:00+02:00', // same instant as publishAt
        finalizeAt: '2021-11-15T09:00:00+01:00', // same instant as countyReportAt
      }),
    ).toEqual([
      'Publiceringstidpunkten (publishAt) måste vara före sista svarsdag (deadline).',
      'Länsrapporten (countyReportAt) måste vara före fastställandet (finalizeAt).',
    ]);
  });

  it('reports a missing or non-list reminders field', () => {
    const { reminders: _omit, ...rest } = cal2022;
    expect(calendarProblems(rest as Calendar)).toEqual(['Påminnelser (reminders) saknas.']);
    expect(calendarProblems({ ...cal2022, reminders: 'x' as unknown as string[] })).toEqual([
      'Påminnelser (reminders) måste vara en lista.',
    ]);
  });
});
