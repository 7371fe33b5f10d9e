import { createHash } from 'node:crypto';
import { failureMessage } from '../../domain/workflow-failure';
import { log } from '../../platform/logger';
import { failureNotice } from '../../notifications/cycle-messages';
import type { FailureInput } from '../../workflow/contract';
import type { ActContext } from '../context';
import { updateCycleRecord } from '../cycle';
import { sendAll } from './common';

const MAX_CAUSE = 8_000;

/**
 * Record the failure (the Catch of every task): the year's record gets the failure and status
 * FAILED, and the administrators' mailbox is told, once per failure. The execution then ends
 * in "Year failed". Run twice for the same failure, it writes and sends nothing more.
 */
export async function recordFailure(app: ActContext, { year, error }: FailureInput, now: string) {
  const name = error.Error ?? 'Okänt fel';
  const cause = (error.Cause ?? '').slice(0, MAX_CAUSE);
  const before = await app.cycles.get(year);
  const executionArn = before?.workflow?.executionArn;
  const id = createHash('sha256').update(`${executionArn ?? ''}\n${name}\n${cause}`).digest('hex').slice(0, 16);
  let doing: string | null = before?.workflow?.state ?? null;

  const record = await updateCycleRecord(app, year, (current) => {
    if (current.failure?.id === id) {
      doing = current.failure.state ?? null;
      return undefined;
    }
    doing = current.workflow?.state ?? null;
    return {
      ...current,
      failure: { id, at: now, error: name, cause, state: doing },
      workflow: { ...current.workflow, status: 'FAILED', state: `Stoppat av ett fel (${name}) under steget: ${doing ?? 'okänt'} Felet: ${failureMessage(name, cause)}` },
    };
  });
  log.error('year failed', { year, error: name, cause, executionArn });
  const failure = record.failure!;
  await sendAll(app, [
    failureNotice(year, { at: failure.at, error: name, cause: failureMessage(name, cause), state: doing, executionArn, id }, await app.contacts.load(), app.appUrl),
  ]);
  return { year, error: name, recorded: failure.at };
}
