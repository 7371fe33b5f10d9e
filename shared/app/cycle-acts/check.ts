import { defaultCalendar } from '../../domain/calendar';
import { checkNext, milestoneLabel } from '../../domain/cycle';
import { longTime } from '../../notifications/cycle-messages';
import { MAX_WAIT_ENV, MAX_WAIT_SECONDS, type CheckResult } from '../../workflow/contract';
import type { ActContext } from '../context';
import { recordProgress } from './common';

/**
 * MAX_WAIT_ENV caps each wait (default MAX_WAIT_SECONDS, four hours); 0 or less waits all the
 * way to the milestone (a date moved earlier is then seen only at the old date).
 */
export function maxWaitSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[MAX_WAIT_ENV];
  const value = raw === undefined || raw.trim() === '' ? MAX_WAIT_SECONDS : Number(raw);
  if (!Number.isFinite(value)) return MAX_WAIT_SECONDS;
  return value > 0 ? value : undefined;
}

/**
 * Check the next milestone against the calendar as stored now and the clock: DUE, WAIT (until
 * when) or DONE; a "deadline moved" notice still to send is DUE first (checkNext). The state it records is what GET /cycle shows while the execution waits.
 * `maxWait` caps the wait in seconds (0: no cap); by default MAX_WAIT_ENV.
 */
export async function check(app: ActContext, { year }: { year: number }, now: string, maxWait = maxWaitSeconds()): Promise<CheckResult> {
  const record = await app.cycles.get(year);
  const calendar = record?.calendar ?? defaultCalendar(year);
  const result = checkNext(calendar, record?.done ?? {}, now, maxWait, record?.toldDeadline);
  if (result.status === 'DONE') {
    await recordProgress(app, year, { state: 'Året är klart: alla steg är gjorda.', status: 'SUCCEEDED' });
  } else if (result.status === 'WAIT') {
    await recordProgress(app, year, { state: `Väntar på ${milestoneLabel(result.milestone)} (${longTime(result.milestone.at)}).` });
  } else {
    await recordProgress(app, year, { state: `Utför ${milestoneLabel(result.milestone)}.` });
  }
  return result;
}
