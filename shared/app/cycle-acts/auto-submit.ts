import { timeoutSeconds } from '../../domain/cycle';
import { countyReport } from '../../domain/report';
import { autoSubmitNotice } from '../../notifications/cycle-messages';
import type { AutoSubmitResult, CountyItem } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { AppContext } from '../context';
import { actKey, sendAll, systemCommand } from './common';

/**
 * The county's wait timed out. If the report date was moved later in the meantime, wait again
 * (WAIT_AGAIN with the seconds left). Otherwise submit the report as it stands (AUTO_SUBMITTED:
 * approved proposals count, undecided ones do not) and tell the county. A county that
 * submitted just before is left as it is, and not told anything.
 */
export async function autoSubmit(app: AppContext, item: CountyItem, now: string): Promise<AutoSubmitResult> {
  const { year, county, hasProposals } = item;
  const calendar = await calendarOf(app, year);
  if (Date.parse(calendar.countyReportAt) > Date.parse(now)) {
    return { year, county, hasProposals, timeoutSeconds: timeoutSeconds(now, calendar.countyReportAt), status: 'WAIT_AGAIN' };
  }
  const { state } = await systemCommand(app, { year, county }, { type: 'SubmitCountyReport', auto: true }, { now, calendar, idempotencyKey: actKey('countyReports') }, [
    'REPORT_ALREADY_SUBMITTED',
  ]);
  if (state.report?.mode === 'AUTO_SUBMITTED' && state.report.by.role === 'system') {
    await sendAll(app, [autoSubmitNotice(countyReport({ ...state, report: state.report }), calendar.countyReportAt, await app.contacts.load())]);
  }
  return { year, county, hasProposals, timeoutSeconds: item.timeoutSeconds, status: 'SUBMITTED' };
}
