import { offsetAt } from '../domain/stockholm-time';
import { log } from '../platform/logger';
import { COUNTIES } from '../reference';
import type { AppContext } from './context';
import { followLedgers } from './follow-ledger';

/** Events younger than this are the stream's (it delivers within seconds, and retries for up to a day). */
const SWEEP_MIN_AGE_MS = 60 * 60 * 1000;

export interface SweepReport {
  /** Share years looked at. */
  years: number[];
  /** Ledgers with events older than an hour past their notices' progress. */
  behind: number;
  /** Those events (handed to the follower again). */
  events: number;
  /** Of those, the ones still not followed (the next sweep tries again). */
  failed: number;
}

/**
 * The daily safety net under the stream (docs/ledger.md "The daily sweep"): for each county
 * ledger of the share years that can have activity at `now` (the Stockholm calendar year and
 * the next one), the events after its notices' progress that are older than an hour are
 * followed again, as the stream would: the view, and every notice not sent yet (the sent
 * markers make it harmless for those that were). So an outage of the follower longer than
 * the stream's retention (24 h) loses no notice.
 *
 * What it reads: per year one Query of the progress items (21), and per county one Query of
 * the events after its progress, which is empty for a ledger that is up to date.
 */
export async function sweepNotices(
  app: Pick<AppContext, 'ledgers' | 'contacts' | 'mailer' | 'sentMail' | 'notified' | 'cycles' | 'appUrl'>,
  now: number,
): Promise<SweepReport> {
  const year = new Date(now + offsetAt(now)).getUTCFullYear();
  const report: SweepReport = { years: [year, year + 1], behind: 0, events: 0, failed: 0 };
  for (const y of report.years) {
    const progress = await app.notified.ofYear(y);
    for (const { code: county } of COUNTIES) {
      const key = { year: y, county };
      const events = await app.ledgers.events(key, progress.get(county) ?? 0);
      const firstYoung = events.findIndex((e) => Date.parse(e.at) > now - SWEEP_MIN_AGE_MS);
      const due = firstYoung < 0 ? events : events.slice(0, firstYoung);
      if (due.length === 0) continue;
      report.behind++;
      report.events += due.length;
      const retry = await followLedgers(app, due.map((event) => ({ id: String(event.seq), key, event })));
      report.failed += retry.length;
      log.warn('notices swept', { ...key, from: due[0]!.seq, through: due.at(-1)!.seq, failed: retry.length });
    }
  }
  return report;
}
