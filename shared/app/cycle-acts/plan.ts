import { checkNext, milestoneLabel } from '../../domain/cycle';
import { log } from '../../platform/logger';
import { longTime } from '../../notifications/cycle-messages';
import type { PlanInput } from '../../workflow/contract';
import type { ActContext } from '../context';
import { updateCycleRecord } from '../cycle';

/**
 * Plan the year: the execution makes the year's cycle record its own. A year started by the
 * schedule gets the default calendar (or the one an administrator stored beforehand); the
 * record gets this execution's ARN, status RUNNING, and loses the failure of an earlier
 * execution (a restart after a failure plans again; the milestones done stay done).
 */
export async function plan(app: ActContext, { year, executionId }: PlanInput, now: string): Promise<{ year: number; next: string }> {
  const record = await updateCycleRecord(app, year, (current) => {
    const next = checkNext(current.calendar, current.done ?? {}, now, undefined, current.toldDeadline);
    const state =
      next.status === 'DONE'
        ? 'Planerat: alla steg är redan gjorda.'
        : `Planerat: nästa steg är ${milestoneLabel(next.milestone)} (${longTime(next.milestone.at)}).`;
    if (current.workflow?.executionArn === executionId && current.workflow.state === state && current.failure === undefined) return undefined;
    const { failure: _failure, ...rest } = current;
    return { ...rest, startedAt: current.startedAt ?? now, workflow: { executionArn: executionId, status: 'RUNNING', state } };
  });
  log.info('year planned', { year, executionId, done: Object.keys(record.done ?? {}), state: record.workflow?.state });
  return { year, next: record.workflow?.state ?? '' };
}
