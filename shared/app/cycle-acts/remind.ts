import { milestoneLabel } from '../../domain/cycle';
import type { Proposal } from '../../domain/ledger';
import { countyReminderNotice, longTime, reminderNotice } from '../../notifications/cycle-messages';
import type { ActInput } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { participants, recordProgress, sendAll } from './common';

/**
 * A reminder (deadline − 14 days, − 3 days): every municipality taking part is reminded of
 * the deadline and told how each of its proposals (as giver or receiver) stands; a proposal
 * still awaiting the receiver's consent is also named to the county. Nothing is written to the ledgers; each notice goes once per
 * (reminder, recipient).
 */
export async function remind(app: ActContext, { year, milestone }: ActInput, now: string) {
  const calendar = await calendarOf(app, year);
  const { taking } = await participants(app, year);
  const contacts = await app.contacts.load();
  const mails = [];
  let waiting = 0;
  for (const ledger of taking) {
    const pending = Object.values(ledger.proposals)
      .filter((p) => p.status === 'AWAITING_RECEIVER')
      .sort((a, b) => a.giver.localeCompare(b.giver));
    waiting += pending.length;
    const all = Object.values(ledger.proposals).sort((a, b) => a.giver.localeCompare(b.giver));
    const partyTo = (code: string): Proposal[] => all.filter((p) => p.giver === code || p.receiver === code);
    for (const [code, share] of Object.entries(ledger.preliminary ?? {}).sort()) {
      mails.push(reminderNotice(year, milestone.id, code, share, partyTo(code), calendar, contacts, app.appUrl));
    }
    if (pending.length > 0) mails.push(countyReminderNotice(year, milestone.id, ledger.county, pending, calendar, contacts));
  }
  const sent = await sendAll(app, mails);
  const label = milestoneLabel(milestone);
  const state = `${label.charAt(0).toUpperCase()}${label.slice(1)} skickad ${longTime(now)}; ${waiting} förslag väntar på mottagarens samtycke.`;
  await recordProgress(app, year, { state, done: { id: milestone.id, at: now } });
  return { reminder: milestone.id, notices: mails.length, sent, awaitingConsent: waiting };
}
