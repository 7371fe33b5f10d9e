import type { Proposal } from '../../domain/ledger';
import { countyDeadlineNotice, deadlineNotice, longTime } from '../../notifications/cycle-messages';
import type { ActInput } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { actKey, participants, recordProgress, sendAll, systemCommand } from './common';

/** Proposals a municipality is told about at the deadline: those still in play or just lapsed. */
const TOLD_AT_DEADLINE = new Set<Proposal['status']>(['AGREED', 'APPROVED', 'REJECTED', 'EXPIRED', 'AWAITING_RECEIVER']);

/**
 * The deadline: close the window in every county ledger that has shares (proposals without
 * the receiver's consent lapse: EXPIRED), tell every municipality how its proposals ended,
 * and every county what it has to decide before its report.
 */
export async function close(app: ActContext, { year, milestone }: ActInput, now: string) {
  const calendar = await calendarOf(app, year);
  const { taking } = await participants(app, year);
  const closed = [];
  for (const ledger of taking) {
    const { state } = await systemCommand(app, ledger, { type: 'CloseWindow' }, { now, calendar, idempotencyKey: actKey(milestone.id) }, ['WINDOW_ALREADY_CLOSED']);
    closed.push(state);
  }

  const contacts = await app.contacts.load();
  const mails = [];
  let expired = 0;
  for (const ledger of closed) {
    const proposals = Object.values(ledger.proposals)
      .filter((p) => TOLD_AT_DEADLINE.has(p.status))
      .sort((a, b) => a.giver.localeCompare(b.giver));
    expired += proposals.filter((p) => p.status === 'EXPIRED').length;
    for (const [code, share] of Object.entries(ledger.preliminary ?? {}).sort()) {
      mails.push(deadlineNotice(year, code, share, proposals.filter((p) => p.giver === code || p.receiver === code), calendar, contacts));
    }
    mails.push(countyDeadlineNotice(year, ledger.county, proposals, calendar, contacts, app.appUrl));
  }
  const sent = await sendAll(app, mails);
  const state = `Perioden för förslag stängde ${longTime(calendar.deadline)} i ${closed.length} län; ${expired} förslag förföll utan mottagarens samtycke.`;
  await recordProgress(app, year, { state, done: { id: milestone.id, at: now } });
  return { closed: closed.map((s) => s.county), expired, notices: mails.length, sent };
}
