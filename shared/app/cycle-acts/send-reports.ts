import { countyReport, countyReportCsv } from '../../domain/report';
import { longTime, reportMails } from '../../notifications/cycle-messages';
import type { YearActInput } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { CycleError, countyList, participants, recordProgress, sendAll } from './common';

/**
 * Send the county reports: each county's report (JSON and CSV) is stored, once, and e-mailed
 * to Migrationsverket's mailbox and to the county (officers in copy), the CSV attached.
 * Every county taking part must have reported by now (the review's Map saw to it).
 */
export async function sendReports(app: ActContext, { year }: YearActInput, now: string) {
  const { taking } = await participants(app, year);
  const missing = taking.filter((s) => !s.report).map((s) => s.county);
  if (missing.length > 0) throw new CycleError(`Länsrapporten saknas för ${countyList(missing)}; rapporterna kan inte skickas till Migrationsverket.`);

  const contacts = await app.contacts.load();
  const calendar = await calendarOf(app, year);
  const mails = [];
  for (const state of taking) {
    const key = { year, county: state.county };
    const report = countyReport({ ...state, report: state.report! });
    await app.reportStore.putReport(key, report, countyReportCsv(report), now);
    // What was stored first is what is sent (a report does not change once submitted).
    const stored = (await app.reportStore.getReport(key))!;
    mails.push(...reportMails(stored.report, stored.csv, contacts, calendar));
  }
  const sent = await sendAll(app, mails);
  await recordProgress(app, year, {
    state: `Länsrapporterna från ${taking.length} län skickades till Migrationsverket ${longTime(now)}.`,
    done: { id: 'countyReports', at: now },
    // Every county has reported: a warning not acted on (all reported before it) is no longer needed.
    passedOver: ['countyWarning'],
  });
  return { reports: taking.map((s) => s.county), notices: mails.length, sent };
}
