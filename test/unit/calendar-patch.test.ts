import { describe, expect, it } from 'vitest';
import { patchCalendar } from '../../shared/app/calendar';
import { defaultCalendar, stockholmToUtc } from '../../shared/domain/calendar';
import { Refusal } from '../../shared/app/errors';

// Share year 2028: publish Mon 16 Aug 2027, reminders Tue 19 Oct and Fri 29 Oct (09:00), deadline Tue 2 Nov 23:59:59.
const base = defaultCalendar(2028);
const at9 = (y: number, m: number, d: number) => stockholmToUtc(y, m, d, 9, 0, 0);
const newDeadline = stockholmToUtc(2027, 11, 9, 23, 59, 59); // Tuesday 9 Nov

describe('patchCalendar: reminders follow the deadline unless set explicitly', () => {
  it('recomputes derived reminders when the deadline moves (14 and 3 days before, working days)', () => {
    const { calendar, remindersExplicit } = patchCalendar({ calendar: base }, { deadline: '2027-11-09T23:59:59+01:00' }, '2027-09-01T00:00:00Z');
    expect(remindersExplicit).toBe(false);
    expect(calendar.deadline).toBe(newDeadline);
    // 26 Oct (Tuesday) and 6 Nov (Saturday) → Friday 5 Nov.
    expect(calendar.reminders).toEqual([at9(2027, 10, 26), at9(2027, 11, 5)]);
  });

  it('keeps reminders already sent and adds the recomputed ones still ahead', () => {
    // 25 Oct: the 14-day reminder of 19 Oct has gone out.
    const { calendar } = patchCalendar({ calendar: base }, { deadline: newDeadline }, '2027-10-25T12:00:00Z');
    expect(calendar.reminders).toEqual(['2027-10-19T07:00:00Z', at9(2027, 10, 26), at9(2027, 11, 5)]);
    // Moved earlier, to Friday 29 Oct: its 14-day reminder (15 Oct) has passed and is not added.
    const earlier = patchCalendar({ calendar: base }, { deadline: stockholmToUtc(2027, 10, 29, 23, 59, 59) }, '2027-10-25T12:00:00Z');
    expect(earlier.calendar.reminders).toEqual(['2027-10-19T07:00:00Z', at9(2027, 10, 26)]);
  });

  it('leaves explicit reminders where they are, and a patch naming reminders makes them explicit', () => {
    const explicit = patchCalendar({ calendar: base, remindersExplicit: true }, { deadline: newDeadline }, '2027-09-01T00:00:00Z');
    expect(explicit.calendar.reminders).toEqual(base.reminders);
    const named = patchCalendar({ calendar: base }, { reminders: ['2027-10-01T07:00:00Z'] }, '2027-09-01T00:00:00Z');
    expect(named).toMatchObject({ remindersExplicit: true, calendar: { reminders: ['2027-10-01T07:00:00Z'] } });
    const later = patchCalendar(named, { deadline: newDeadline }, '2027-09-01T00:00:00Z');
    expect(later.calendar.reminders).toEqual(['2027-10-01T07:00:00Z']);
    // Both at once: the reminders given stand.
    expect(patchCalendar({ calendar: base }, { deadline: newDeadline, reminders: [] }).calendar.reminders).toEqual([]);
  });

  it('changes nothing else: other fields, or the same deadline written differently', () => {
    expect(patchCalendar({ calendar: base }, { deadline: '2027-11-02T23:59:59+01:00' }).calendar).toEqual(base);
    expect(patchCalendar({ calendar: base }, { finalizeAt: '2027-12-16T08:00:00Z' }).calendar.reminders).toEqual(base.reminders);
  });

  it('drops recomputed reminders outside the window (a training calendar), and still refuses a broken calendar', () => {
    const short = { ...base, publishAt: '2027-10-30T07:00:00Z', reminders: [] };
    expect(patchCalendar({ calendar: short }, { deadline: newDeadline }).calendar.reminders).toEqual([at9(2027, 11, 5)]);
    expect(() => patchCalendar({ calendar: base }, { deadline: '2027-12-20T00:00:00Z' })).toThrow(Refusal);
  });
});
