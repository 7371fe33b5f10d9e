import type { Calendar } from '../../domain/calendar';
import { RuleError, type ErrorCode } from '../../domain/errors';
import type { Command, LedgerState } from '../../domain/ledger';
import { log } from '../../platform/logger';
import { runCommand } from '../command';
import type { Outcome } from '../ledger/execute';
import type { Mail } from '../../notifications/mailer';
import { COUNTIES, findCounty } from '../../reference';
import type { Actor, LedgerKey } from '../../schemas/ledger';
import type { CycleRecord } from '../../schemas/cycle';
import type { ActContext } from '../context';
import { updateCycleRecord } from '../cycle';
import { sendOnce } from '../notify';

/** Who the ledger records for the workflow's commands. */
const SYSTEM: Actor = { role: 'system' };

/** The idempotency key of a milestone's ledger command: a replay of the act writes nothing. */
export const actKey = (milestoneId: string): string => `cycle:${milestoneId}`;

/** A refusal of the workflow itself (Swedish, for the administrators' mail and the year's status). */
export class CycleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CycleError';
  }
}

export interface Participants {
  /** The ledgers of the counties that have preliminary shares, caught up, in code order. */
  taking: LedgerState[];
  /** Counties without shares: they take no part in the year. */
  withoutShares: string[];
}

/** Which counties take part in the year: those whose ledger has preliminary shares. */
export async function participants(app: ActContext, year: number): Promise<Participants> {
  const ledgers = await app.ledgers.views(year);
  const withShares = new Map(ledgers.filter((l) => l.preliminary !== null).map((l) => [l.county, l]));
  const taking = COUNTIES.filter((c) => withShares.has(c.code)).map((c) => withShares.get(c.code)!);
  return { taking, withoutShares: COUNTIES.filter((c) => !withShares.has(c.code)).map((c) => c.code) };
}

/**
 * Runs a ledger command as the workflow, through runCommand as every command. With the act's
 * idempotency key a replay writes nothing and returns the current ledger; `alreadyDone`
 * refusals (the ledger is already where the act would take it, by another way) are logged and
 * answered with the current ledger.
 */
export async function systemCommand(
  app: ActContext,
  key: LedgerKey,
  command: Command,
  at: { now: string; calendar: Calendar; idempotencyKey: string },
  alreadyDone: readonly ErrorCode[] = [],
): Promise<{ state: LedgerState; outcome?: Outcome }> {
  try {
    const outcome = await runCommand({ app, ...at }, key, command, SYSTEM);
    if (!outcome.replayed) log.info('workflow command', { year: key.year, county: key.county, type: command.type, seq: outcome.event.seq });
    return { state: outcome.state, outcome };
  } catch (error) {
    if (error instanceof RuleError && alreadyDone.includes(error.code)) {
      log.info('workflow command not needed', { year: key.year, county: key.county, type: command.type, code: error.code });
      return { state: await app.ledgers.load(key) };
    }
    if (error instanceof RuleError) {
      throw new CycleError(`${countyName(key.county)}: ${command.type} avvisades (${error.code}): ${error.message}`);
    }
    throw error;
  }
}

/** How many mails are sent at a time: gentle on SES's send rate, still quick for 290 notices. */
const MAIL_CONCURRENCY = 5;

/**
 * Sends every mail once per recipient (sendOnce: already sent ones are skipped). Every mail is
 * tried even if some fail; then the first failure is thrown, so that the act fails, Step
 * Functions retries it, and the retry sends only what is still missing.
 */
export async function sendAll(app: Pick<ActContext, 'mailer' | 'sentMail'>, mails: readonly Mail[], concurrency = MAIL_CONCURRENCY): Promise<number> {
  let next = 0;
  let sent = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < mails.length) {
      const mail = mails[next++]!;
      try {
        if ((await sendOnce(app, mail)).length > 0) sent++;
      } catch (error) {
        failures.push(error);
        log.error('workflow notice not sent', { dedupeKey: mail.dedupeKey, to: mail.to, error: String((error as Error)?.message ?? error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, mails.length) }, worker));
  if (failures.length > 0) {
    const first = failures[0] as Error;
    throw new Error(`${failures.length} of ${mails.length} notices not sent (they are sent when the step is retried): ${first?.message ?? String(first)}`, { cause: first });
  }
  return sent;
}

/**
 * Records what the workflow does now (`state`, status RUNNING) and, with `done`, that a
 * milestone's act is complete. A milestone already done is left as it is (its first completion
 * time stands, and a re-run act writes nothing). An unchanged state writes nothing either.
 * `passedOver`: milestones that no longer need their act (the county warning once every report
 * is in), recorded done at the same time unless they are already.
 */
export async function recordProgress(
  app: ActContext,
  year: number,
  progress: { state: string; done?: { id: string; at: string }; status?: string; passedOver?: readonly string[] },
): Promise<CycleRecord> {
  const status = progress.status ?? 'RUNNING';
  return updateCycleRecord(app, year, (record) => {
    const { done } = progress;
    if (done && record.done?.[done.id] !== undefined) return undefined;
    if (!done && record.workflow?.state === progress.state && record.workflow.status === status) return undefined;
    const passed = done ? Object.fromEntries((progress.passedOver ?? []).filter((id) => record.done?.[id] === undefined).map((id) => [id, done.at])) : {};
    return {
      ...record,
      ...(done ? { done: { ...record.done, ...passed, [done.id]: done.at } } : {}),
      workflow: { ...record.workflow, status, state: progress.state },
    };
  });
}

const countyName = (code: string): string => findCounty(code)?.name ?? `Län ${code}`;

/** "Stockholms län (01), Uppsala län (03)". */
export const countyList = (codes: readonly string[]): string => codes.map((c) => `${countyName(c)} (${c})`).join(', ');
