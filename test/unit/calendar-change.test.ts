import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar';
import { passedMilestoneProblems } from '../../shared/domain/calendar-change';

// Share year 2022: publish 2021-08-16T07:00:00Z (15 Aug was a Sunday), reminders 2021-10-19T07:00:00Z and 2021-10-29T07:00:00Z,
// deadline 2021-11-02T22:59:59Z, county report 2021-11-15T08:00:00Z, final 2021-12-15T08:00:00Z.
const before = defaultCalendar(2022);
const NOW = '2021-10-25T12:00:00.000Z';

describe('passedMilestoneProblems', () => {
  it('allows moving milestones ahead to times ahead, and leaving passed ones as they are', () => {
    const after = { ...before, publishAt: '2021-08-16T09:00:00+02:00', deadline: '2021-11-09T23:59:59+01:00', reminders: [before.reminders[0]!, '2021-11-05T07:00:00Z'] };
    expect(passedMilestoneProblems(before, after, NOW)).toEqual([]);
  });

  it('refuses moving a milestone that has passed', () => {
    expect(passedMilestoneProblems(before, { ...before, publishAt: '2021-11-01T07:00:00Z' }, NOW)).toEqual([
      'Publiceringstidpunkten (publishAt) har redan passerats och kan inte flyttas.',
    ]);
    expect(passedMilestoneProblems(before, { ...before, deadline: '2021-11-03T07:00:00Z' }, before.deadline)).toHaveLength(1);
  });

  it('refuses moving a milestone to a time that has passed', () => {
    expect(passedMilestoneProblems(before, { ...before, deadline: '2021-10-20T07:00:00Z' }, NOW)).toEqual([
      'Sista svarsdag (deadline) kan inte flyttas till en tidpunkt som redan har passerats.',
    ]);
  });

  it('treats reminders as a set: a sent one stays, a new one lies ahead', () => {
    expect(passedMilestoneProblems(before, { ...before, reminders: [before.reminders[1]!] }, NOW)).toHaveLength(1);
    expect(passedMilestoneProblems(before, { ...before, reminders: [...before.reminders, '2021-10-20T07:00:00Z'] }, NOW)).toHaveLength(1);
  });

  it('skips values that are not instants (calendarProblems reports those)', () => {
    expect(passedMilestoneProblems(before, { ...before, deadline: 'snart' }, NOW)).toEqual([]);
  });
});
