import type { CountyItem } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { actKey, systemCommand } from './common';

/**
 * A county without agreed proposals has nothing to decide: its report is submitted at once
 * (AUTO_SUBMITTED), unless the county has submitted it already. Its report goes to
 * Migrationsverket, and to the county, with all the others (send-reports).
 */
export async function reportQuietCounty(app: ActContext, item: CountyItem, now: string) {
  const calendar = await calendarOf(app, item.year);
  const key = { year: item.year, county: item.county };
  const { state } = await systemCommand(app, key, { type: 'SubmitCountyReport', auto: true }, { now, calendar, idempotencyKey: actKey('countyReports') }, [
    'REPORT_ALREADY_SUBMITTED',
  ]);
  return { county: item.county, report: state.report?.mode ?? null };
}
