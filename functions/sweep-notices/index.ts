import { currentTime } from '../../shared/app/clock';
import { sweepNotices } from '../../shared/app/sweep-notices';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { contacts } from '../../shared/composition/stores/contacts';
import { cycles } from '../../shared/composition/stores/cycles';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { notified } from '../../shared/composition/stores/notified';
import { sentMail } from '../../shared/composition/stores/sent-mail';
import { instrumented } from '../../shared/platform/invocation';

const app = uses(ledgers, cycles, contacts, sentMail, notified, mailing);

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
