import { countyWait, countyWarningInstant } from '../../domain/cycle';
import { log } from '../../platform/logger';
import { countyWarningNotice } from '../../notifications/calendar-notices';
import { longTime } from '../../notifications/cycle-messages';
import type { CountyItem, WarnCountyResult } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { recordProgress, sendAll } from './common';

/**
 * The county's wait reached its warning (3 working days before the report date, 09:00): a
 * county that has not reported and still has agreed proposals without a decision (AGREED) is
 * told which, and to decide each and report by the report date (once per county and report
 * date). Then the county waits until the report date. If the report date was moved later and
 * the warning with it, the county waits again until the new warning. Idempotent: run again
 * (a retry, a restarted execution) it sends nothing more.
 */
export async function warnCounty(app: ActContext, item: CountyItem, now: string): Promise<WarnCountyResult> {
  const { year, county } = item;
  const calendar = await calendarOf(app, year);
  const warningAt = countyWarningInstant(calendar);
  if (Date.parse(now) < Date.parse(warningAt)) {
    return { ...item, ...countyWait(calendar, now, 'start'), warned: false };
  }
  const state = await app.ledgers.load({ year, county });
  const undecided = state.report
    ? []
    : Object.values(state.proposals)
        .filter((p) => p.status === 'AGREED')
        .sort((a, b) => a.giver.localeCompare(b.giver));
  if (undecided.length > 0) {
    await sendAll(app, [countyWarningNotice(year, county, undecided, calendar.countyReportAt, await app.contacts.load(), app.appUrl)]);
    log.info('county warned of undecided proposals', { year, county, undecided: undecided.map((p) => p.giver) });
  }
  await recordProgress(app, year, {
    state: `Länsgranskning: länsstyrelser med förslag som inte är beslutade varnades ${longTime(now)}; väntar på länsrapporter senast ${longTime(calendar.countyReportAt)}.`,
    done: { id: 'countyWarning', at: now },
  });
  return { ...item, ...countyWait(calendar, now, 'warned'), warned: undecided.length > 0 };
}
