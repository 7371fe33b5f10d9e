import type { CheckResult, CountyItem, Milestone } from '../workflow/contract';
import { countyWarningAt, milestones, toUtcIso, windowClosesAt, type Calendar } from './calendar';
import { offsetAt } from './stockholm-time';
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
 * 'countyReports', 'countyWarning', 'finalize', each at the instant it happens. The deadline
 * acts when the window closes (one second after the deadline second); the county review
 * starts right after it, at the same instant (its Map then waits, per county, until
 * countyReportAt). The county warning (3 working days before the report date, 09:00, but not
 * before the review starts) is acted on inside the review, by each county's wait: it is
 * listed here for GET /cycle, and the top-level check passes over it (IN_REVIEW).
 *
 * Reminder ids follow time order. A reminder that has passed can be neither moved nor removed,
 * and an added one must lie ahead, so the ids of reminders already done never change.
 */
export function cycleMilestones(calendar: Calendar): Milestone[] {
  let reminder = 0;
  return milestones(calendar).flatMap(({ name, at }): Milestone[] => {
    switch (name) {
      case 'publish':
        return [{ kind: 'publish', id: 'publish', at }];
      case 'reminder':
        return [{ kind: 'reminder', id: `reminder-${reminder++}`, at }];
      case 'deadline':
        return [{ kind: 'deadline', id: 'deadline', at }];
      case 'countyReport':
        return [
          { kind: 'countyReports', id: 'countyReports', at: windowClosesAt(calendar) },
          { kind: 'countyWarning', id: 'countyWarning', at: countyWarningInstant(calendar) },
        ];
      case 'finalize':
        return [{ kind: 'finalize', id: 'finalize', at }];
    }
  });
}

/** The county warning as it happens: 3 working days before the report date at 09:00, not before the county review starts. */
export function countyWarningInstant(calendar: Calendar): string {
  const warning = countyWarningAt(calendar);
  const review = windowClosesAt(calendar);
  // biome-ignore lint/complexity/useMathMinMax: ISO instants (strings), compared as text
  return warning > review ? warning : review;
}

/** Milestones acted on inside the county review (its Map), not by the top-level loop. */
const IN_REVIEW: ReadonlySet<Milestone['kind']> = new Set(['countyWarning']);

/** The deadline the municipalities and counties were last told (publication, then each "deadline moved" notice). */
export interface ToldDeadline {
  deadline: string;
  /** How many "deadline moved" notices have gone out. */
  moves: number;
}

/**
 * What the workflow should do next: the first milestone not done is DUE once `now` has reached
 * its time, otherwise WAIT until then. `maxWaitSeconds` caps a wait, so that a date moved
 * earlier while the execution waits is seen at the next wake-up; the check then simply
 * answers WAIT again (or DUE). `waitUntil` is a UTC instant with 'Z' and whole seconds,
 * rounded up, so a wait never ends before the milestone. DONE when every milestone is done.
 *
 * Before any milestone: once publication is done, a deadline that differs from the one the
 * parties were told (`told`) is DUE at once as 'deadline-moved-<n>' (kind deadlineMoved): they
 * are told the new one. A move acknowledged to the administrator is thus never lost: it is in
 * the stored calendar, and any check, of this execution or a restarted one, sees it.
 */
export function checkNext(calendar: Calendar, done: DoneMilestones, now: string, maxWaitSeconds?: number, told?: ToldDeadline): CheckResult {
  const moved = deadlineMoved(calendar, done, told, now);
  if (moved) return { status: 'DUE', milestone: moved };
  const milestone = cycleMilestones(calendar).find((m) => !IN_REVIEW.has(m.kind) && done[m.id] === undefined);
  if (!milestone) return { status: 'DONE' };
  const t = instantMs(now);
  const at = Date.parse(milestone.at);
  if (t >= at) return { status: 'DUE', milestone };
  const cap = maxWaitSeconds !== undefined && maxWaitSeconds > 0 ? t + maxWaitSeconds * SECOND : Infinity;
  return { status: 'WAIT', milestone, waitUntil: utcCeil(Math.min(at, cap)) };
}

/** The "deadline moved" notice due, if the parties were told another deadline than the calendar's. */
function deadlineMoved(calendar: Calendar, done: DoneMilestones, told: ToldDeadline | undefined, now: string): Milestone | undefined {
  if (!told || done.publish === undefined || toUtcIso(told.deadline) === toUtcIso(calendar.deadline)) return undefined;
  return { kind: 'deadlineMoved', id: `deadline-moved-${told.moves + 1}`, at: utcFloor(instantMs(now)) };
}

/** Whole seconds from `now` until an instant (the county-report date, the warning), at least 1 (a Task timeout must be positive). */
export function timeoutSeconds(now: string, until: string): number {
  return Math.max(1, Math.ceil((Date.parse(until) - instantMs(now)) / SECOND));
}

/**
 * A county's next wait in the review. From the start of the review (and after a report date
 * moved later) it first waits until its warning ('countyWarning'), however late: the warning
 * step is idempotent and decides whether to warn, so a restarted execution never skips it.
 * Once the warning step has acted ('warned') it waits until the report date ('countyReport').
 */
export function countyWait(calendar: Calendar, now: string, stage: 'start' | 'warned'): Pick<CountyItem, 'next' | 'timeoutSeconds'> {
  if (stage === 'start' && instantMs(now) < Date.parse(calendar.countyReportAt)) {
    return { next: 'countyWarning', timeoutSeconds: timeoutSeconds(now, countyWarningInstant(calendar)) };
  }
  return { next: 'countyReport', timeoutSeconds: timeoutSeconds(now, calendar.countyReportAt) };
}

/** A county has something to review when a proposal reached both parties' consent (R7, R8). */
const REVIEWABLE = new Set(['AGREED', 'APPROVED', 'REJECTED']);

function hasProposalsToReview(state: LedgerState): boolean {
  return Object.values(state.proposals).some((p) => REVIEWABLE.has(p.status));
}

/**
 * One Map item per county that takes part in the year (has preliminary shares), in code
 * order. `hasProposals` is true when the county has agreed proposals to decide on: only then
 * does the workflow wait for its report. A county whose proposals all lapsed, were withdrawn
 * or declined has nothing to decide and is reported at once, like one without proposals.
 * Counties without shares take no part (see `countiesWithoutShares`).
 */
export function reviewItems(year: number, views: readonly LedgerState[], now: string, calendar: Calendar): CountyItem[] {
  const wait = countyWait(calendar, now, 'start');
  return views
    .filter((v) => v.year === year && v.preliminary !== null)
    .sort((a, b) => a.county.localeCompare(b.county))
    .map((v) => ({ year, county: v.county, hasProposals: hasProposalsToReview(v), ...wait }));
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
    case 'countyWarning':
      return 'varning till länsstyrelser med förslag som inte är beslutade';
    case 'deadlineMoved':
      return 'besked om ändrad sista dag för förslag';
    case 'finalize':
      return 'fastställande av slutliga andelar';
  }
}

/** The calendar year in Stockholm at an instant (1 January starts at 23:00 UTC the day before). */
export function stockholmYear(now: string): number {
  const ms = instantMs(now);
  return new Date(ms + offsetAt(ms)).getUTCFullYear();
}

function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${instant}`);
  return ms;
}

/** Whole-second UTC ISO string, rounded down. */
function utcFloor(ms: number): string {
  return `${new Date(Math.floor(ms / SECOND) * SECOND).toISOString().slice(0, 19)}Z`;
}

/** Whole-second UTC ISO string, rounded up. */
function utcCeil(ms: number): string {
  return `${new Date(Math.ceil(ms / SECOND) * SECOND).toISOString().slice(0, 19)}Z`;
}
