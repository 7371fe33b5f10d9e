import type { Calendar } from '../domain/calendar';
import type { Command } from '../domain/ledger';
import { count } from '../platform/metrics';
import { execute, type Outcome } from './ledger/execute';
import type { Actor, LedgerKey } from '../schemas/ledger';
import type { User } from '../schemas/user';
import { recentCalendarOf } from './calendar';
import type { AppContext } from './context';

/** What every use case gets from the HTTP edge. */
export interface CommandInput<A = Pick<AppContext, 'ledgers' | 'cycles'>> {
  /** The ports the use case reaches (by default those a ledger command needs). */
  app: A;
  user: User | null;
  year: number;
  now: string;
  idempotencyKey?: string;
  /** Called when the ledger answered with the event it recorded under the idempotency key (a replay). */
  onReplay?: () => void;
}

/**
 * The one way into a county ledger, for the API's commands and the workflow's acts alike:
 * runs one command under the year's calendar (the one given, which an act has read already,
 * else the stored or default one). The event's notices and the ledger's view follow from the
 * table's stream (follow-ledger), so an accepted command costs one conditional Put.
 */
export async function runCommand(
  input: Pick<CommandInput, 'app' | 'now' | 'idempotencyKey' | 'onReplay'> & { calendar?: Calendar },
  key: LedgerKey,
  command: Command,
  actor: Actor,
): Promise<Outcome> {
  const { app, now, idempotencyKey } = input;
  const calendar = input.calendar ?? (await recentCalendarOf(app, key.year));
  const outcome = await execute(app.ledgers, key, command, { now, calendar, actor }, idempotencyKey);
  if (outcome.replayed) input.onReplay?.();
  else count.ledgerEvent(outcome.event.type);
  return outcome;
}
