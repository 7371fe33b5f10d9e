import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentTime } from '../../shared/app/clock';
import { maxWaitSeconds } from '../../shared/app/cycle-acts/check';
import { defaultCalendar, type Calendar } from '../../shared/domain/calendar';
import { checkNext, countyWait, countyWarningInstant, cycleMilestones, milestoneLabel, reviewItems, stockholmYear, timeoutSeconds } from '../../shared/domain/cycle';
import { fold } from '../../shared/domain/ledger';
import type { EventBody, LedgerEvent } from '../../shared/schemas/ledger';
import { executionArnOf } from '../../shared/adapters/sfn/step-functions-workflow';
import { CheckResult, StartNextInput, TASKS } from '../../shared/workflow/contract';

// Share year 2028: publish Monday 16 Aug 2027 09:00 CEST (15 Aug is a Sunday), reminders Tuesday 19 and
// Friday 29 Oct 09:00 CEST (30 Oct is a Saturday; summer time ends 31 Oct 2027), deadline Tuesday 2 Nov
// 23:59:59 CET (window closes 23:00:00Z), county warning Wednesday 10 Nov 09:00 CET (3 working days
// before the report), county report Monday 15 Nov 09:00, final 15 Dec 09:00.
const calendar = defaultCalendar(2028);
const at = {
  publish: '2027-08-16T07:00:00Z',
  'reminder-0': '2027-10-19T07:00:00Z',
  'reminder-1': '2027-10-29T07:00:00Z',
  deadline: '2027-11-02T23:00:00Z',
  countyReports: '2027-11-02T23:00:00Z',
  countyWarning: '2027-11-10T08:00:00Z',
  finalize: '2027-12-15T08:00:00Z',
} as const;
/** The milestones the top-level check acts on (the county warning is acted on inside the review). */
const ids = Object.keys(at).filter((id) => id !== 'countyWarning');
const doneUpTo = (id: string): Record<string, string> => Object.fromEntries(ids.slice(0, ids.indexOf(id)).map((d) => [d, '2027-01-01T00:00:00Z']));

describe('cycleMilestones', () => {
  it('lists the year in order, with the county review right after the window closes', () => {
    expect(cycleMilestones(calendar)).toEqual([
      { kind: 'publish', id: 'publish', at: at.publish },
      { kind: 'reminder', id: 'reminder-0', at: at['reminder-0'] },
      { kind: 'reminder', id: 'reminder-1', at: at['reminder-1'] },
      { kind: 'deadline', id: 'deadline', at: at.deadline },
      { kind: 'countyReports', id: 'countyReports', at: at.countyReports },
      { kind: 'countyWarning', id: 'countyWarning', at: at.countyWarning },
      { kind: 'finalize', id: 'finalize', at: at.finalize },
    ]);
  });

  it('puts the county warning 3 working days before the report date, never before the review starts', () => {
    const moved: Calendar = { ...calendar, countyReportAt: '2027-11-03T08:00:00Z' };
    expect(cycleMilestones(moved).find((m) => m.id === 'countyWarning')!.at).toBe(at.countyReports);
    // Report date on a Monday after a holiday week: Wednesday 29 Dec 2027 → Thursday 23 Dec (julafton off).
    expect(countyWarningInstant({ ...calendar, countyReportAt: '2027-12-29T08:00:00Z', finalizeAt: '2028-01-15T08:00:00Z' })).toBe('2027-12-23T08:00:00Z');
    expect(milestoneLabel({ kind: 'countyWarning', id: 'countyWarning' })).toBe('varning till länsstyrelser med förslag som inte är beslutade');
  });

  it('numbers reminders in time order, whatever order they are stored in, and labels them for people', () => {
    const shuffled: Calendar = { ...calendar, reminders: [calendar.reminders[1]!, calendar.reminders[0]!, '2027-09-01T07:00:00Z'] };
    expect(cycleMilestones(shuffled).filter((m) => m.kind === 'reminder')).toEqual([
      { kind: 'reminder', id: 'reminder-0', at: '2027-09-01T07:00:00Z' },
      { kind: 'reminder', id: 'reminder-1', at: at['reminder-0'] },
      { kind: 'reminder', id: 'reminder-2', at: at['reminder-1'] },
    ]);
    expect(cycleMilestones({ ...calendar, reminders: [] }).map((m) => m.id)).toEqual(['publish', 'deadline', 'countyReports', 'countyWarning', 'finalize']);
    expect(milestoneLabel({ kind: 'reminder', id: 'reminder-1' })).toBe('påminnelse 2');
    expect(milestoneLabel({ kind: 'publish', id: 'publish' })).toBe('publicering av preliminära andelar');
  });
});

describe('checkNext', () => {
  it('waits for the first milestone until its time, then says it is due', () => {
    expect(checkNext(calendar, {}, '2027-06-01T10:00:00Z')).toEqual({ status: 'WAIT', milestone: cycleMilestones(calendar)[0], waitUntil: at.publish });
    expect(checkNext(calendar, {}, at.publish)).toEqual({ status: 'DUE', milestone: cycleMilestones(calendar)[0] });
    expect(checkNext(calendar, {}, '2027-08-16T07:00:00.001Z').status).toBe('DUE');
    // A milestone missed (the execution started late) is due at once, not skipped.
    expect(checkNext(calendar, {}, '2027-11-20T10:00:00Z')).toMatchObject({ status: 'DUE', milestone: { id: 'publish' } });
  });

  it('goes through the milestones in order, skipping those done, and is DONE after the last', () => {
    for (const id of ids) {
      const milestone = cycleMilestones(calendar).find((m) => m.id === id)!;
      expect(checkNext(calendar, doneUpTo(id), '2027-06-01T00:00:00Z')).toEqual({ status: 'WAIT', milestone, waitUntil: milestone.at });
      expect(checkNext(calendar, doneUpTo(id), milestone.at)).toEqual({ status: 'DUE', milestone });
    }
    const all = Object.fromEntries(ids.map((id) => [id, '2027-12-15T08:00:01Z']));
    expect(checkNext(calendar, all, '2027-12-20T00:00:00Z')).toEqual({ status: 'DONE' });
    expect(checkNext(calendar, all, '2027-01-01T00:00:00Z')).toEqual({ status: 'DONE' });
    // Done is what counts, not the clock: a done milestone stays done even if the clock says otherwise.
    expect(checkNext(calendar, { publish: 'x' }, '2027-08-17T00:00:00Z')).toMatchObject({ status: 'WAIT', milestone: { id: 'reminder-0' } });
    // The county warning is not the top level's: after the review comes the final date.
    expect(checkNext(calendar, doneUpTo('finalize'), '2027-11-10T08:00:00Z')).toMatchObject({ status: 'WAIT', milestone: { id: 'finalize' } });
  });

  it('sends a "deadline moved" notice first, once publication has told another deadline', () => {
    const moved: Calendar = { ...calendar, deadline: '2027-11-09T22:59:59Z' };
    const told = { deadline: calendar.deadline, moves: 0 };
    const now = '2027-09-01T10:00:00.500Z';
    expect(checkNext(moved, { publish: 'x' }, now, 3600, told)).toEqual({
      status: 'DUE',
      milestone: { kind: 'deadlineMoved', id: 'deadline-moved-1', at: '2027-09-01T10:00:00Z' },
    });
    expect(checkNext(moved, { publish: 'x' }, now, 3600, { deadline: '2027-11-09T23:59:59+01:00', moves: 1 })).toMatchObject({ status: 'WAIT', milestone: { id: 'reminder-0' } });
    expect(checkNext(moved, { publish: 'x' }, now, 3600, { deadline: '2027-11-05T22:59:59Z', moves: 1 })).toMatchObject({ milestone: { id: 'deadline-moved-2' } });
    // Before publication nobody was told: nothing to send.
    expect(checkNext(moved, {}, now, 3600, told)).toMatchObject({ status: 'DUE', milestone: { id: 'publish' } });
    expect(checkNext(moved, { publish: 'x' }, now, 3600)).toMatchObject({ status: 'WAIT', milestone: { id: 'reminder-0' } });
    expect(milestoneLabel({ kind: 'deadlineMoved', id: 'deadline-moved-1' })).toBe('besked om ändrad sista dag för förslag');
  });

  it('waits again, until the new time, when a date was moved later (or the virtual clock is not there yet)', () => {
    const done = doneUpTo('deadline');
    const now = '2027-11-03T00:00:05Z';
    expect(checkNext(calendar, done, now)).toMatchObject({ status: 'DUE', milestone: { id: 'deadline' } });
    const moved: Calendar = { ...calendar, deadline: '2027-11-09T22:59:59Z' };
    expect(checkNext(moved, done, now)).toEqual({
      status: 'WAIT',
      milestone: { kind: 'deadline', id: 'deadline', at: '2027-11-09T23:00:00Z' },
      waitUntil: '2027-11-09T23:00:00Z',
    });
    // Moved earlier: due as soon as the clock gets there.
    expect(checkNext({ ...calendar, finalizeAt: '2027-12-01T08:00:00Z' }, doneUpTo('finalize'), '2027-12-01T08:00:00Z')).toMatchObject({ status: 'DUE' });
  });

  it('caps a wait at maxWaitSeconds, rounding up to whole seconds so it never ends before the milestone', () => {
    expect(checkNext(calendar, {}, '2027-08-01T00:00:00Z', 3600)).toMatchObject({ status: 'WAIT', waitUntil: '2027-08-01T01:00:00Z' });
    expect(checkNext(calendar, {}, '2027-08-01T00:00:00.250Z', 3600)).toMatchObject({ waitUntil: '2027-08-01T01:00:01Z' });
    // The cap never takes the wait past the milestone.
    expect(checkNext(calendar, {}, '2027-08-16T06:59:59.400Z', 3600)).toMatchObject({ waitUntil: at.publish });
    expect(checkNext(calendar, {}, '2027-08-16T06:59:59.999Z')).toMatchObject({ status: 'WAIT', waitUntil: at.publish });
    // No cap (undefined, 0 or less): straight to the milestone.
    expect(checkNext(calendar, {}, '2027-08-01T00:00:00Z', 0)).toMatchObject({ waitUntil: at.publish });
  });

  it('answers in the contract shape, with UTC Z whole-second instants', () => {
    const samples = ['2027-01-01T00:00:00.123Z', '2027-08-16T06:59:59.5Z', '2027-10-29T06:59:59.999Z', '2027-11-02T22:59:59.999Z'];
    for (const now of samples) {
      for (const maxWait of [undefined, 1, 59, 3600]) {
        const result = CheckResult.parse(checkNext(calendar, {}, now, maxWait));
        if (result.status !== 'WAIT') continue;
        expect(result.waitUntil).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(Date.parse(result.waitUntil)).toBeGreaterThan(Date.parse(now));
        expect(Date.parse(result.waitUntil)).toBeLessThanOrEqual(Date.parse(result.milestone.at));
      }
    }
  });
});

describe('timeoutSeconds', () => {
  it('counts whole seconds until the county-report date, rounding up, at least one', () => {
    expect(timeoutSeconds('2027-11-14T08:00:00Z', '2027-11-15T08:00:00Z')).toBe(86_400);
    expect(timeoutSeconds('2027-11-15T07:59:59.001Z', '2027-11-15T08:00:00Z')).toBe(1);
    expect(timeoutSeconds('2027-11-15T07:59:58.500Z', '2027-11-15T08:00:00Z')).toBe(2);
    expect(timeoutSeconds('2027-11-15T08:00:00Z', '2027-11-15T08:00:00Z')).toBe(1);
    expect(timeoutSeconds('2027-11-20T08:00:00Z', '2027-11-15T08:00:00Z')).toBe(1);
  });
});

describe('reviewItems', () => {
  const ledger = (county: string, ...bodies: EventBody[]) =>
    fold({ year: 2028, county }, bodies.map((b, i) => ({ seq: i + 1, at: '2027-09-01T10:00:00Z', actor: { role: 'system' }, ...b }) as LedgerEvent));
  const shares = (codes: string[]): EventBody => ({ type: 'SharesImported', shares: Object.fromEntries(codes.map((c) => [c, 1000])) });

  it('has one item per county with shares, waiting only for counties with agreed proposals, first until the warning', () => {
    const uppsala = ledger('03', shares(['0380', '0381']), { type: 'ProposalSubmitted', giver: '0380', receiver: '0381', perMille: 5 }, { type: 'ReceiverConsented', giver: '0380' });
    const lapsed = ledger('04', shares(['0480']), { type: 'ProposalSubmitted', giver: '0480', receiver: '0481', perMille: 5 }, { type: 'WindowClosed', expired: ['0480'] });
    const quiet = ledger('01', shares(['0180']));
    const noShares = ledger('05');
    expect(reviewItems(2028, [uppsala, noShares, lapsed, quiet], '2027-11-09T08:00:00Z', calendar)).toEqual([
      { year: 2028, county: '01', hasProposals: false, next: 'countyWarning', timeoutSeconds: 86_400 },
      { year: 2028, county: '03', hasProposals: true, next: 'countyWarning', timeoutSeconds: 86_400 },
      { year: 2028, county: '04', hasProposals: false, next: 'countyWarning', timeoutSeconds: 86_400 },
    ]);
  });
});

describe('countyWait', () => {
  it('waits first until the warning (at once if it has passed), then until the report date', () => {
    expect(countyWait(calendar, '2027-11-03T00:00:00Z', 'start')).toEqual({ next: 'countyWarning', timeoutSeconds: (Date.parse(at.countyWarning) - Date.parse('2027-11-03T00:00:00Z')) / 1000 });
    // Restarted after the warning instant: the warning step runs at once (it sends only what was not sent).
    expect(countyWait(calendar, '2027-11-12T00:00:00Z', 'start')).toEqual({ next: 'countyWarning', timeoutSeconds: 1 });
    expect(countyWait(calendar, '2027-11-10T08:00:00Z', 'warned')).toEqual({ next: 'countyReport', timeoutSeconds: 5 * 86_400 });
    // At or after the report date: straight to the report.
    expect(countyWait(calendar, '2027-11-15T08:00:00Z', 'start')).toEqual({ next: 'countyReport', timeoutSeconds: 1 });
  });
});

describe('clock, years and the workflow adapter', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('currentTime() follows CLOCK_OFFSET_MS, the local virtual clock', () => {
    vi.stubEnv('CLOCK_OFFSET_MS', undefined as unknown as string);
    expect(Math.abs(Date.parse(currentTime()) - Date.now())).toBeLessThan(1000);
    vi.stubEnv('CLOCK_OFFSET_MS', String(30 * 86_400_000));
    expect(Math.abs(Date.parse(currentTime()) - (Date.now() + 30 * 86_400_000))).toBeLessThan(1000);
    vi.stubEnv('CLOCK_OFFSET_MS', 'soon');
    expect(() => currentTime()).toThrow(/CLOCK_OFFSET_MS/);
  });

  it('reads the wait cap from CYCLE_MAX_WAIT_SECONDS, four hours by default', () => {
    expect(maxWaitSeconds({})).toBe(14_400);
    expect(maxWaitSeconds({ CYCLE_MAX_WAIT_SECONDS: '60' })).toBe(60);
    expect(maxWaitSeconds({ CYCLE_MAX_WAIT_SECONDS: '0' })).toBeUndefined();
    expect(maxWaitSeconds({ CYCLE_MAX_WAIT_SECONDS: 'x' })).toBe(14_400);
  });

  it('knows the Stockholm year (New Year comes an hour before UTC in winter)', () => {
    expect(stockholmYear('2027-12-31T22:59:59Z')).toBe(2027);
    expect(stockholmYear('2027-12-31T23:00:00Z')).toBe(2028);
    expect(StartNextInput.parse(undefined)).toEqual({});
    expect(StartNextInput.parse({ year: 2029 })).toEqual({ year: 2029 });
    expect(TASKS.startNext).toBe('cycle-start-next');
  });

  it('derives an execution ARN from the state machine ARN', () => {
    expect(executionArnOf('arn:aws:states:eu-north-1:123456789012:stateMachine:Omfordelning-Year', 'cycle-2028')).toBe(
      'arn:aws:states:eu-north-1:123456789012:execution:Omfordelning-Year:cycle-2028',
    );
  });
});
