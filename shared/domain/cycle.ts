import type { CheckResult, CountyItem, Milestone } from '../workflow/contract';
import { TIME_ZONE, milestones, windowClosesAt, type Calendar } from './calendar';
import type { LedgerState } from './ledger/state';

/**
 * The yearly workflow's timetable, pure: which milestone comes next and whether it is due.
 * The state machine only waits and asks; every decision about time is made here, from the
 * calendar as stored now and the clock, so moving a date (or a virtual clock) needs no
 * change to a running execution.
 */

/** Milestone id → when its act completed (UTC). A milestone in it is never acted on again. */
export type DoneMilestones = Readonly<Record<string, string>>;

const SECOND = 1000;

/**
 * The year's milestones in order: 'publish', 'reminder-0', 'reminder-1', …, 'deadline',
 * 'countyReports', 'finalize'. The deadline acts when the window closes (one second after the
 * deadline second); the county review starts right after it, at the same instant (its Map then
 * waits, per county, until countyReportAt).
 *
 * Reminder ids follow time order. A reminder that has passed can be neither moved nor removed,
 * and an added one must lie ahead, so the ids of reminders already done never change.
 */
export function cycleMilestones(calendar: Calendar): Milestone[] {
  let reminder = 0;
  return milestones(calendar).map(({ name, at }): Milestone => {
    switch (name) {
      case 'publish':
        return { kind: 'publish', id: 'publish', at };
      case 'reminder':
        return { kind: 'reminder', id: `reminder-${reminder++}`, at };
      case 'deadline':
        return { kind: 'deadline', id: 'deadline', at };
      case 'countyReport':
        return { kind: 'countyReports', id: 'countyReports', at: windowClosesAt(calendar) };
      case 'finalize':
        return { kind: 'finalize', id: 'finalize', at };
    }
  });
}

/**
 * What the workflow should do next: the first milestone not done is DUE once `now` has reached
 * its time, otherwise WAIT until then. `maxWaitSeconds` caps a wait, so that a date moved
 * earlier while the execution waits is seen at the next wake-up; the check then simply
 * answers WAIT again (or DUE). `waitUntil` is a UTC instant with 'Z' and whole seconds,
 * rounded up, so a wait never ends before the milestone. DONE when every milestone is done.
 */
export function checkNext(calendar: Calendar, done: DoneMilestones, now: string, maxWaitSeconds?: number): CheckResult {
  const milestone = cycleMilestones(calendar).find((m) => done[m.id] === undefined);
  if (!milestone) return { status: 'DONE' };
  const t = instantMs(now);
  const at = Date.parse(milestone.at);
  if (t >= at) return { status: 'DUE', milestone };
  const cap = maxWaitSeconds !== undefined && maxWaitSeconds > 0 ? t + maxWaitSeconds * SECOND : Infinity;
  return { status: 'WAIT', milestone, waitUntil: utcCeil(Math.min(at, cap)) };
}

/** Whole seconds from `now` until the county-report date, at least 1 (a Task timeout must be positive). */
export function timeoutSeconds(now: string, countyReportAt: string): number {
  return Math.max(1, Math.ceil((Date.parse(countyReportAt) - instantMs(now)) / SECOND));
}

/** A county has something to review when a proposal reached both parties' consent (R7, R8). */
const REVIEWABLE = new Set(['AGREED', 'APPROVED', 'REJECTED']);

export function hasProposalsToReview(state: LedgerState): boolean {
  return Object.values(state.proposals).some((p) => REVIEWABLE.has(p.status));
}

/**
 * One Map item per county that takes part in the year (has preliminary shares), in code
 * order. `hasProposals` is true when the county has agreed proposals to decide on: only then
 * does the workflow wait for its report. A county whose proposals all lapsed, were withdrawn
 * or declined has nothing to decide and is reported at once, like one without proposals.
 * Counties without shares take no part (see `countiesWithoutShares`).
 */
export function reviewItems(year: number, views: readonly LedgerState[], now: string, countyReportAt: string): CountyItem[] {
  const timeout = timeoutSeconds(now, countyReportAt);
  return views
    .filter((v) => v.year === year && v.preliminary !== null)
    .sort((a, b) => a.county.localeCompare(b.county))
    .map((v) => ({ year, county: v.county, hasProposals: hasProposalsToReview(v), timeoutSeconds: timeout }));
}

/** A milestone as an administrator reads it in the year's status, in Swedish. */
export function milestoneLabel(milestone: Pick<Milestone, 'kind' | 'id'>): string {
  switch (milestone.kind) {
    case 'publish':
      return 'publicering av preliminära andelar';
    case 'reminder':
      return `påminnelse ${Number(milestone.id.split('-')[1] ?? 0) + 1}`;
    case 'deadline':
      return 'sista dag för förslag (perioden stänger)';
    case 'countyReports':
      return 'länsstyrelsernas granskning och rapporter';
    case 'finalize':
      return 'fastställande av slutliga andelar';
  }
}

const stockholmYearFormat = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, year: 'numeric' });

/** The calendar year in Stockholm at an instant (1 January starts at 23:00 UTC the day before). */
export function stockholmYear(now: string): number {
  return Number(stockholmYearFormat.format(instantMs(now)));
}

function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${instant}`);
  return ms;
}

/** Whole-second UTC ISO string, rounded up. */
function utcCeil(ms: number): string {
  return new Date(Math.ceil(ms / SECOND) * SECOND).toISOString().slice(0, 19) + 'Z';
}
