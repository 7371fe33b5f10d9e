import { approvedProposals, shareLines } from '../../domain/ledger';
import { log } from '../../platform/logger';
import { finalNotice, longTime } from '../../notifications/cycle-messages';
import type { YearActInput } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { actKey, participants, recordProgress, sendAll, systemCommand } from './common';

/**
 * Fix the final shares: FinalizeShares in every county ledger that has shares (preliminary −
 * given + received, approved proposals only; totals unchanged, R9), then tell every
 * municipality its final share. Counties without shares are skipped (logged). The year's
 * phase is then FINAL.
 */
export async function finalize(app: ActContext, { year }: YearActInput, now: string) {
  const calendar = await calendarOf(app, year);
  const { taking, withoutShares } = await participants(app, year);
  if (withoutShares.length > 0) log.warn('counties without shares: no final shares', { year, counties: withoutShares });
  const finalized = [];
  for (const ledger of taking) {
    const { state } = await systemCommand(app, ledger, { type: 'FinalizeShares' }, { now, calendar, idempotencyKey: actKey('finalize') }, ['ALREADY_FINAL']);
    finalized.push(state);
  }

  const contacts = await app.contacts.load();
  const mails = finalized.flatMap((state) =>
    shareLines(state.preliminary ?? {}, approvedProposals(state)).map((line) =>
      finalNotice(year, { ...line, final: state.final?.[line.municipality] ?? line.resulting }, contacts),
    ),
  );
  const sent = await sendAll(app, mails);
  await recordProgress(app, year, {
    state: `Slutliga andelar fastställdes ${longTime(now)} för ${finalized.length} län; alla kommuner har fått sin andel.`,
    done: { id: 'finalize', at: now },
  });
  return { finalized: finalized.map((s) => s.county), withoutShares, notices: mails.length, sent };
}
