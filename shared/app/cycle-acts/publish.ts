import { log } from '../../platform/logger';
import { longTime, publishNotice } from '../../notifications/cycle-messages';
import type { ActInput } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { CycleError, actKey, countyList, participants, recordProgress, sendAll, systemCommand } from './common';
import { updateCycleRecord } from '../cycle';

/**
 * Publish: open the submission window in every county ledger that has shares, then tell
 * every municipality of those counties its preliminary share and the deadline. Counties
 * without shares take no part (logged, and named in the year's state); a year without any
 * shares fails, in Swedish, for the administrators. Idempotent: the ledger command carries
 * `cycle:publish` (a replay writes nothing) and each notice goes once per municipality.
 *
 * The deadline announced is recorded first (`toldDeadline`) and a retry announces the same
 * one, so everybody was told one deadline; if the calendar's differs by the time publication
 * is done, the next check sends the "deadline moved" notice.
 */
export async function publish(app: ActContext, { year, milestone }: ActInput, now: string) {
  const calendar = await calendarOf(app, year);
  const { taking, withoutShares } = await participants(app, year);
  if (taking.length === 0) {
    throw new CycleError(
      `Inga preliminära andelar är inlästa för ${year}, så de kan inte publiceras och perioden för förslag kan inte öppnas. ` +
        `Läs in andelarna (PUT /v1/years/${year}/shares) och starta om årets arbetsflöde.`,
    );
  }
  if (withoutShares.length > 0) log.warn('counties without preliminary shares take no part in the year', { year, counties: withoutShares });

  const opened = [];
  for (const ledger of taking) {
    const { state } = await systemCommand(app, ledger, { type: 'OpenWindow' }, { now, calendar, idempotencyKey: actKey(milestone.id) }, [
      'WINDOW_ALREADY_OPEN',
      'WINDOW_ALREADY_CLOSED',
    ]);
    opened.push(state);
  }

  const record = await updateCycleRecord(app, year, (current) =>
    current.toldDeadline ? undefined : { ...current, toldDeadline: { deadline: calendar.deadline, moves: 0 } },
  );
  const announced = { ...calendar, deadline: record.toldDeadline?.deadline ?? calendar.deadline };
  const contacts = await app.contacts.load();
  const mails = opened.flatMap((state) => Object.entries(state.preliminary ?? {}).sort().map(([code, share]) => publishNotice(year, code, share, announced, contacts, app.appUrl)));
  const sent = await sendAll(app, mails);

  const state =
    `Publicerat ${longTime(now)}: perioden för förslag är öppen i ${opened.length} län till ${longTime(announced.deadline)}.` +
    (withoutShares.length > 0 ? ` Län utan preliminära andelar, som inte deltar: ${countyList(withoutShares)}.` : '');
  await recordProgress(app, year, { state, done: { id: milestone.id, at: now } });
  return { opened: opened.map((s) => s.county), withoutShares, notices: mails.length, sent };
}
