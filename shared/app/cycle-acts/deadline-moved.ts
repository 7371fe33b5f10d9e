import { toUtcIso } from '../../domain/calendar';
import { log } from '../../platform/logger';
import { countyDeadlineMovedNotice, deadlineMovedNotice, type DeadlineMove } from '../../notifications/calendar-notices';
import { longTime } from '../../notifications/cycle-messages';
import type { CycleRecord } from '../../schemas/cycle';
import type { ActInput } from '../../workflow/contract';
import type { ActContext } from '../context';
import { updateCycleRecord } from '../cycle';
import { participants, recordProgress, sendAll } from './common';

/** Who tells of a moved deadline: the table stream's follower (at once) or the workflow's check (the safety net). */
export type DeadlineTeller = 'stream' | 'workflow';

/**
 * How long a teller's claim on a move stands (real milliseconds): longer than its Lambda's
 * timeout (the follower 60 s, the act 300 s, infra), so a claim outlives a live holder and an
 * expired one means the holder is gone (timed out, crashed).
 */
export const TELL_LEASE_MS: Readonly<Record<DeadlineTeller, number>> = { stream: 90_000, workflow: 330_000 };

/**
 * The "deadline moved" notice a record has pending, if any: publication is done and told the
 * parties a deadline (`toldDeadline`) other than the calendar's (compared as instants). The
 * same condition as the workflow's check (domain/cycle.ts deadlineMoved). Pure.
 */
export function pendingDeadlineMove(record: Pick<CycleRecord, 'calendar' | 'done' | 'toldDeadline'> | undefined): DeadlineMove | undefined {
  const told = record?.toldDeadline;
  if (!record || !told || record.done?.publish === undefined) return undefined;
  if (toUtcIso(told.deadline) === toUtcIso(record.calendar.deadline)) return undefined;
  return { move: told.moves + 1, from: told.deadline, to: record.calendar.deadline };
}

export interface DeadlineTold {
  year: number;
  move?: number;
  from?: string;
  to?: string;
  notices: number;
  sent: number;
  /** Nothing sent: the other teller holds this move (its claim, until when). */
  busy?: { by: DeadlineTeller; until: string };
}

export interface TellOptions {
  /** Real time (epoch ms) for the claims; the workflow's `now` may be a virtual clock. */
  wallClock?: () => number;
  leaseMs?: number;
}

/**
 * Tells every municipality of the counties taking part, and each of those counties, of the
 * deadline move pending on the year's record (pendingDeadlineMove), once per recipient and
 * move; one function for both tellers.
 *
 * 1. Claim: on the latest record (versioned save), the move is claimed for `by` unless the
 *    other teller holds an unexpired claim (then nothing is sent: `busy`). A claim by `by`
 *    itself is taken again (a retry of the same teller: the stream delivers one batch per
 *    shard at a time, the workflow runs one act at a time).
 * 2. Send: every notice, with a dedupe key naming the move and the new deadline (sendAll:
 *    recipients already marked are skipped, so a retry sends only what is missing).
 * 3. Record: `toldDeadline` becomes the new deadline iff it is still the one this move starts
 *    from (conditional on the version), and the claim is cleared. The next move is then told
 *    from this deadline. If sending failed, the claim is released at once and the error thrown.
 *
 * Nothing pending (told already, moved back, not published): nothing is sent.
 */
export async function tellPendingDeadlineMove(app: ActContext, year: number, by: DeadlineTeller, options: TellOptions = {}): Promise<DeadlineTold> {
  const wallClock = options.wallClock ?? Date.now;
  const leaseMs = options.leaseMs ?? TELL_LEASE_MS[by];
  let move: DeadlineMove | undefined;
  let busy: DeadlineTold['busy'];
  const claimed = await updateCycleRecord(app, year, (current) => {
    move = pendingDeadlineMove(current);
    busy = undefined;
    if (!move) return undefined;
    const lease = current.tellingDeadline;
    if (lease && lease.by !== by && Date.parse(lease.until) > wallClock()) {
      busy = { by: lease.by, until: lease.until };
      return undefined;
    }
    return { ...current, tellingDeadline: { move: move.move, to: move.to, by, until: new Date(wallClock() + leaseMs).toISOString() } };
  });
  if (!move || busy) {
    log.info(busy ? 'deadline moved: the other teller is telling' : 'deadline moved: nothing to tell', { year, by, ...(busy && { busy }) });
    return { year, notices: 0, sent: 0, ...(busy && { busy }) };
  }
  const told = move;
  const ours = (record: CycleRecord) => record.tellingDeadline?.by === by && record.tellingDeadline.move === told.move && record.tellingDeadline.to === told.to;

  let sent: number;
  let notices: number;
  try {
    const { taking } = await participants(app, year);
    const contacts = await app.contacts.load();
    const mails = taking.flatMap((ledger) => [
      ...Object.keys(ledger.preliminary ?? {})
        .sort()
        .map((code) => deadlineMovedNotice(year, code, ledger.county, told, contacts, app.appUrl)),
      countyDeadlineMovedNotice(year, ledger.county, told, claimed.calendar, contacts, app.appUrl),
    ]);
    notices = mails.length;
    sent = await sendAll(app, mails);
  } catch (error) {
    // Leave the move to whichever teller tries next (this one's retry, or the other).
    await updateCycleRecord(app, year, (current) => (ours(current) ? withoutClaim(current) : undefined)).catch((release) =>
      log.warn('deadline moved: claim not released (it expires)', { year, by, error: String(release) }),
    );
    throw error;
  }
  await updateCycleRecord(app, year, (current) => {
    const stillFrom = current.toldDeadline?.moves === told.move - 1;
    if (!stillFrom && !ours(current)) return undefined;
    const next = ours(current) ? withoutClaim(current) : { ...current };
    return stillFrom ? { ...next, toldDeadline: { deadline: told.to, moves: told.move } } : next;
  });
  log.info('deadline moved: told', { year, by, move: told.move, from: told.from, to: told.to, notices, sent });
  return { year, move: told.move, from: told.from, to: told.to, notices, sent };
}

function withoutClaim(record: CycleRecord): CycleRecord {
  const { tellingDeadline: _claim, ...rest } = record;
  return rest;
}

export interface ActOptions extends TellOptions {
  sleep?: (ms: number) => Promise<void>;
  /** How long (real ms) the act waits for the stream's claim to end before failing (Step Functions then retries it). */
  maxWaitMs?: number;
}

/**
 * The workflow's act (the check found a move not yet told): usually the table stream's
 * follower has told it within seconds and nothing is pending any more. If the follower is
 * telling it right now, the act waits until it is done (or its claim expired, or it gave up:
 * then the act tells it); if the follower never did (down, failing for good), the act tells
 * it. Moved again meanwhile: the next check sends another notice, from this deadline to the latest.
 */
export async function tellDeadlineMoved(app: ActContext, { year, milestone }: ActInput, now: string, options: ActOptions = {}) {
  const wallClock = options.wallClock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const giveUpAt = wallClock() + (options.maxWaitMs ?? TELL_LEASE_MS.stream + 30_000);
  for (;;) {
    const result = await tellPendingDeadlineMove(app, year, 'workflow', options);
    if (!result.busy) {
      if (result.move === undefined) {
        log.info('deadline moved: nothing to tell', { year, milestone: milestone.id });
        return result;
      }
      await recordProgress(app, year, {
        state: `Besked om ändrad sista dag för förslag skickat ${longTime(now)}: ${longTime(result.from!)} blev ${longTime(result.to!)}.`,
      });
      return result;
    }
    if (wallClock() >= giveUpAt) {
      throw new Error(`The deadline-moved notice of ${year} is still being sent by the ${result.busy.by} (claimed until ${result.busy.until})`);
    }
    await sleep(Math.max(50, Math.min(1000, Date.parse(result.busy.until) - wallClock())));
  }
}
