import { defaultCalendar } from '../../domain/calendar';
import { checkNext, milestoneLabel } from '../../domain/cycle';
import { longTime } from '../../notifications/cycle-messages';
import type { CheckResult } from '../../workflow/contract';
import type { AppContext } from '../context';
import { recordProgress } from './common';

/**
 * Default cap on a single wait (seconds): a date moved earlier while waiting is acted on at
 * most four hours late. Not shorter: every Wait → Check round adds ~9 events to a Standard
 * execution's history, which must stay under 25 000 for a whole year (see the CDK workflow
 * construct, which sets the same value explicitly).
 */
export const DEFAULT_MAX_WAIT_SECONDS = 4 * 3600;

/**
 * CYCLE_MAX_WAIT_SECONDS caps each wait (default four hours); 0 or less waits all the way to
 * the milestone (a date moved earlier is then seen only at the old date).
 */
export function maxWaitSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.CYCLE_MAX_WAIT_SECONDS;
  const value = raw === undefined || raw.trim() === '' ? DEFAULT_MAX_WAIT_SECONDS : Number(raw);
  if (!Number.isFinite(value)) return DEFAULT_MAX_WAIT_SECONDS;
  return value > 0 ? value : undefined;
}

/**
 * Check the next milestone against the calendar as stored now and the clock: DUE, WAIT (until
 * when) or DONE; a "deadline moved" notice still to send is DUE first (checkNext). The state it records is what GET /cycle shows while the execution waits.
 * `maxWait` caps the wait in seconds (0: no cap); by default CYCLE_MAX_WAIT_SECONDS.
 */
export async function check(app: AppContext, { year }: { year: number }, now: string, maxWait = maxWaitSeconds()): Promise<CheckResult> {
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
