import { isWithinWindow, windowClosesAt, type Calendar } from './calendar';
import type { LedgerState } from './ledger/state';
import { COUNTIES } from '../reference';

/** Where a share year stands, as the API shows it (GET …/cycle: docs/workflow.md "What an administrator sees"). */
export type Phase = 'PLANNED' | 'OPEN' | 'CLOSED' | 'REPORTED' | 'FINAL';
export type CountyReportStatus = 'PENDING' | 'SUBMITTED' | 'AUTO_SUBMITTED';

/**
 * The phase of a year from its county ledgers, its calendar and the clock. Pure.
 * The later phases win: a year whose counties have all reported is REPORTED even if a
 * clock check alone would say CLOSED. Counties without shares take no part in the year.
 */
export function phaseOf(views: readonly LedgerState[], calendar: Pick<Calendar, 'publishAt' | 'deadline'>, now: string): Phase {
  const taking = views.filter((v) => v.preliminary !== null);
  if (taking.length > 0 && taking.every((v) => v.final !== null)) return 'FINAL';
  if (taking.length > 0 && taking.every((v) => v.report !== null)) return 'REPORTED';
  if (views.some((v) => v.windowClosedAt !== null) || Date.parse(now) >= Date.parse(windowClosesAt(calendar))) return 'CLOSED';
  if (taking.length > 0 && isWithinWindow(calendar, now)) return 'OPEN';
  return 'PLANNED';
}

/** Every county (all 21, in code order) with how its report stands. */
export function countyReports(views: readonly LedgerState[]): { county: string; report: CountyReportStatus }[] {
  const byCounty = new Map(views.map((v) => [v.county, v]));
  return COUNTIES.map(({ code }) => ({ county: code, report: byCounty.get(code)?.report?.mode ?? 'PENDING' }));
}
