import { toUtcIso } from '../../domain/calendar';
import { log } from '../../http/log';
import { countyDeadlineMovedNotice, deadlineMovedNotice, type DeadlineMove } from '../../notifications/calendar-notices';
import { longTime } from '../../notifications/cycle-messages';
import type { ActInput } from '../../workflow/contract';
import type { AppContext } from '../context';
import { updateCycleRecord } from '../cycle';
import { participants, recordProgress, sendAll } from './common';

/**
 * The deadline moved after publication told everyone the old one: every municipality of the
 * counties taking part, and each of those counties, is told the old and the new deadline
 * (once per recipient and move: the dedupe key names the move and the new deadline). Then
 * the record's `toldDeadline` becomes the new one. Moved again meanwhile, the next check
 * sends another notice, from this deadline to the latest. Nothing pending (told already, or
 * moved back): nothing is sent.
 */
export async function tellDeadlineMoved(app: AppContext, { year, milestone }: ActInput, now: string) {
  const record = await app.cycles.get(year);
  const told = record?.toldDeadline;
  if (!record || !told || toUtcIso(told.deadline) === toUtcIso(record.calendar.deadline)) {
    log.info('deadline moved: nothing to tell', { year, milestone: milestone.id });
    return { year, notices: 0, sent: 0 };
  }
  const move: DeadlineMove = { move: told.moves + 1, from: told.deadline, to: record.calendar.deadline };
  const { taking } = await participants(app, year);
  const contacts = await app.contacts.load();
  const mails = taking.flatMap((ledger) => [
    ...Object.keys(ledger.preliminary ?? {})
      .sort()
      .map((code) => deadlineMovedNotice(year, code, ledger.county, move, contacts)),
    countyDeadlineMovedNotice(year, ledger.county, move, record.calendar, contacts),
  ]);
  const sent = await sendAll(app, mails);
  await updateCycleRecord(app, year, (current) =>
    current.toldDeadline?.moves === told.moves ? { ...current, toldDeadline: { deadline: move.to, moves: move.move } } : undefined,
  );
  await recordProgress(app, year, {
    state: `Besked om ändrad sista dag för förslag skickat ${longTime(now)}: ${longTime(move.from)} blev ${longTime(move.to)}.`,
  });
  return { year, move: move.move, from: move.from, to: move.to, notices: mails.length, sent };
}
