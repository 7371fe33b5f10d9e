import { countyWait } from '../../domain/cycle';
import { countyReport } from '../../domain/report';
import { leftOutNotices } from '../../notifications/calendar-notices';
import { autoSubmitNotice } from '../../notifications/cycle-messages';
import type { AutoSubmitResult, CountyItem } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { actKey, sendAll, systemCommand } from './common';

/**
 * The county's wait timed out. If the report date was moved later in the meantime, wait again
 * (WAIT_AGAIN, first until the warning for the new date, see countyWait). Otherwise submit the
 * report as it stands (AUTO_SUBMITTED: approved proposals count, undecided ones do not) and
 * tell the county, and both parties of each agreed proposal left undecided that it does not
 * change their shares. A county that submitted just before is left as it is, and nobody is
 * told anything.
 */
export async function autoSubmit(app: ActContext, item: CountyItem, now: string): Promise<AutoSubmitResult> {
  const { year, county } = item;
  const calendar = await calendarOf(app, year);
  if (Date.parse(calendar.countyReportAt) > Date.parse(now)) {
    return { ...item, ...countyWait(calendar, now, 'start'), status: 'WAIT_AGAIN' };
  }
  const { state } = await systemCommand(app, { year, county }, { type: 'SubmitCountyReport', auto: true }, { now, calendar, idempotencyKey: actKey('countyReports') }, [
    'REPORT_ALREADY_SUBMITTED',
  ]);
  if (state.report?.mode === 'AUTO_SUBMITTED' && state.report.by.role === 'system') {
    const contacts = await app.contacts.load();
    const leftOut = Object.values(state.proposals)
      .filter((p) => p.status === 'AGREED')
      .sort((a, b) => a.giver.localeCompare(b.giver))
      .flatMap((p) => leftOutNotices(year, county, p, { submittedAt: state.report!.at, finalizeAt: calendar.finalizeAt }, state.preliminary ?? {}, contacts));
    await sendAll(app, [autoSubmitNotice(countyReport({ ...state, report: state.report }), calendar.countyReportAt, contacts, app.appUrl), ...leftOut]);
  }
  return { ...item, status: 'SUBMITTED' };
}
