import type { Command } from '../domain/ledger';
import { execute, type Outcome } from '../ledger/execute';
import type { Actor, LedgerKey } from '../schemas/ledger';
import type { User } from '../schemas/user';
import { calendarOf } from './calendar';
import type { AppContext } from './context';
import { notifyLedgerEvent } from './notify';

/** What every use case gets from the HTTP edge. */
export interface CommandInput {
  app: AppContext;
  user: User | null;
  year: number;
  now: string;
  idempotencyKey?: string;
}

/**
 * Runs one command on a county ledger under the year's calendar (stored or default) and
 * sends the notices for its event. A replay notifies too: sending is idempotent per
 * (event, recipient), so this delivers only what an earlier attempt failed to send.
 */
export async function runCommand(input: CommandInput, key: LedgerKey, command: Command, actor: Actor): Promise<Outcome> {
  const { app, now, idempotencyKey } = input;
  const calendar = await calendarOf(app, key.year);
  const outcome = await execute(app.ledgers, key, command, { now, calendar, actor }, idempotencyKey);
  await notifyLedgerEvent(app, outcome);
  return outcome;
}
