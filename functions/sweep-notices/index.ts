import { currentTime } from '../../shared/app/clock';
import { sweepNotices } from '../../shared/app/sweep-notices';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { instrumented } from '../../shared/platform/invocation';

const app = uses(tables, mailing);

/**
 * The daily schedule's target (infra/constructs/notice-sweep.ts): sends the notices of events
 * older than an hour that the stream did not get out. Fails while some are still not sent, so
 * the schedule retries and the errors alarm.
 */
export const handler = instrumented(async () => {
  const report = await sweepNotices(app, Date.parse(currentTime()));
  if (report.failed > 0) throw new Error(`${report.failed} of ${report.events} swept events still have notices not sent`);
  return report;
});
